import { describe, expect, it } from 'vitest';
import { ignoredBecause, isPushToBranch, readPushSummary } from '../../../src/gitops/push-payload.js';

describe('readPushSummary()', () => {
  it('reads the ref and the new head of a GitHub push', () => {
    expect(readPushSummary('{"ref":"refs/heads/main","after":"abc"}', { 'x-github-event': 'push' }, 'github')).toEqual({
      ref: 'refs/heads/main',
      after: 'abc',
      event: 'push',
    });
  });

  it('reads checkout_sha from a GitLab push', () => {
    expect(readPushSummary(Buffer.from('{"ref":"refs/heads/main","checkout_sha":"def"}'), { 'x-gitlab-event': 'Push Hook' }, 'gitlab').after).toBe('def');
  });

  it('reads the branch of a Bitbucket Cloud push and of a Bitbucket Data Center refs_changed', () => {
    const cloud = JSON.stringify({ push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: 'c1' } } }] } });
    expect(readPushSummary(cloud, { 'x-event-key': 'repo:push' }, 'bitbucket')).toEqual({ ref: 'refs/heads/main', after: 'c1', event: 'repo:push' });
    const tag = JSON.stringify({ push: { changes: [{ new: { type: 'tag', name: 'v1' } }] } });
    expect(readPushSummary(tag, {}, 'bitbucket').ref).toBe('refs/tags/v1');
    const server = JSON.stringify({ changes: [{ ref: { id: 'refs/heads/dev' }, toHash: 'd2' }] });
    expect(readPushSummary(server, { 'x-event-key': 'repo:refs_changed' }, 'bitbucket')).toMatchObject({ ref: 'refs/heads/dev', after: 'd2' });
  });

  it("reads Gitea's own event header", () => {
    expect(readPushSummary('{"ref":"refs/heads/main"}', { 'x-gitea-event': 'push' }, 'gitea').event).toBe('push');
  });

  it('yields nulls for a body that is not JSON', () => {
    expect(readPushSummary('payload=x', {}, 'harmonia')).toEqual({ ref: null, after: null, event: null });
  });
});

describe('ignoredBecause()', () => {
  const push = (ref: string | null, event: string | null) => ({ ref, after: null, event });

  it('lets a push to the followed branch through, on every host', () => {
    expect(ignoredBecause(push('refs/heads/main', 'push'), 'github', 'main', false)).toBeNull();
    expect(ignoredBecause(push('refs/heads/main', 'Push Hook'), 'gitlab', 'main', false)).toBeNull();
    expect(ignoredBecause(push('refs/heads/main', 'repo:push'), 'bitbucket', 'main', false)).toBeNull();
    expect(ignoredBecause(push(null, null), 'harmonia', 'main', false)).toBeNull();
  });

  it('ignores tag pushes, other branches, merge requests and tag-push hooks', () => {
    expect(ignoredBecause(push('refs/tags/v1', 'push'), 'github', 'main', false)).toBe("push to 'refs/tags/v1' ignored; following 'main'");
    expect(ignoredBecause(push('refs/heads/dev', 'push'), 'gitea', 'main', false)).toMatch(/ignored/);
    expect(ignoredBecause(push('refs/tags/v1', 'Tag Push Hook'), 'gitlab', 'main', false)).toBe("'Tag Push Hook' event ignored; only 'Push Hook' trigger a sync");
    expect(ignoredBecause(push(null, 'Merge Request Hook'), 'gitlab', 'main', false)).toMatch(/'Merge Request Hook' event ignored/);
    expect(ignoredBecause(push(null, 'pull_request'), 'github', 'main', false)).toMatch(/ignored/);
  });

  it('lets any push through to a pinned deployment, whose tag it may have moved', () => {
    expect(ignoredBecause(push('refs/tags/v1', 'push'), 'github', 'main', true)).toBeNull();
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
