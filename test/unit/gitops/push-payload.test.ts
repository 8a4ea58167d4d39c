import { describe, expect, it } from 'vitest';
import { isPushToBranch, readPushSummary } from '../../../src/gitops/push-payload.js';

describe('readPushSummary()', () => {
  it('reads the ref and the new head of a GitHub push', () => {
    expect(readPushSummary('{"ref":"refs/heads/main","after":"abc"}', 'push')).toEqual({
      ref: 'refs/heads/main',
      after: 'abc',
      event: 'push',
    });
  });

  it('reads checkout_sha from a GitLab push', () => {
    expect(readPushSummary(Buffer.from('{"ref":"refs/heads/main","checkout_sha":"def"}'), 'Push Hook').after).toBe('def');
  });

  it('yields nulls for a body that is not JSON', () => {
    expect(readPushSummary('payload=x', undefined)).toEqual({ ref: null, after: null, event: null });
  });
});

describe('isPushToBranch()', () => {
  it('matches the followed branch and no other', () => {
    expect(isPushToBranch('refs/heads/main', 'main')).toBe(true);
    expect(isPushToBranch('refs/heads/feature', 'main')).toBe(false);
  });

  it('treats a push without a ref as concerning the branch', () => {
    expect(isPushToBranch(null, 'main')).toBe(true);
  });
});
