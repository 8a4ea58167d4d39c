import { describe, expect, it } from 'vitest';
import { createReplayGuard } from '../../../src/gitops/replay-guard.js';

describe('createReplayGuard()', () => {
  it('reports the second sighting of an id as a replay', () => {
    const guard = createReplayGuard();
    expect(guard.isReplay('a')).toBe(false);
    expect(guard.isReplay('a')).toBe(true);
  });

  it('forgets the least recently seen id beyond its capacity', () => {
    const guard = createReplayGuard({ capacity: 2 });
    guard.isReplay('a');
    guard.isReplay('b');
    guard.isReplay('a'); // a is now the most recent
    guard.isReplay('c'); // evicts b
    expect(guard.size).toBe(2);
    expect(guard.isReplay('a')).toBe(true);
    expect(guard.isReplay('b')).toBe(false);
  });
});
