import { describe, it, expect } from 'vitest';
import { decideOverlap } from '../../../src/triggers/overlap.js';

describe('decideOverlap()', () => {
  it('starts whenever nothing runs and nothing waits', () => {
    for (const policy of ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] as const) expect(decideOverlap(policy, 0, 0)).toBe('start');
  });

  it('skips under skip while one runs', () => {
    expect(decideOverlap('skip', 1, 0)).toBe('skip');
  });

  it('buffers one fire under buffer_one and skips the next', () => {
    expect(decideOverlap('buffer_one', 1, 0)).toBe('buffer');
    expect(decideOverlap('buffer_one', 1, 1)).toBe('skip');
  });

  it('buffers every fire under buffer_all, also behind a waiting one', () => {
    expect(decideOverlap('buffer_all', 1, 3)).toBe('buffer');
    expect(decideOverlap('buffer_all', 0, 1)).toBe('buffer');
  });

  it('cancels the running one under cancel_other and starts anyway under allow_all', () => {
    expect(decideOverlap('cancel_other', 2, 0)).toBe('cancel_then_start');
    expect(decideOverlap('allow_all', 5, 0)).toBe('start');
  });
});
