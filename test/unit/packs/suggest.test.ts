import { describe, it, expect } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../../src/core/suggest.js';

describe('editDistance()', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('tset', 'test')).toBe(1);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('suggest()', () => {
  it('returns the nearest candidate when it is close enough', () => {
    expect(suggest('biuld', ['build', 'deploy'])).toBe('build');
  });

  it('returns nothing when no candidate is near', () => {
    expect(suggest('xyz', ['build', 'deploy'])).toBeUndefined();
  });

  it('says did you mean', () => {
    expect(didYouMean('enviroment', ['environment', 'replicas'])).toBe("did you mean 'environment'?");
  });
});

describe('suggest() for short names', () => {
  it('does not turn one letter into another', () => {
    expect(suggest('y', ['x', 'build'])).toBeUndefined();
  });

  it('still completes a short prefix', () => {
    expect(suggest('sv', ['svc', 'other'])).toBe('svc');
  });
});

describe('suggest() cost', () => {
  const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}_${i}`);

  it('does the same work for one name among 5,000 or 50,000 candidates (a file of many typos stays linear)', () => {
    const small = { steps: 0 };
    const large = { steps: 0 };
    expect(suggest('tsak_7', names(5000, 'task'), small)).toBe('task_7');
    suggest('tsak_7', names(50000, 'task'), large);
    expect(large.steps).toBe(small.steps);
  });

  it('spends bounded work on a very long name', () => {
    const meter = { steps: 0 };
    suggest('x'.repeat(100000), ['x'.repeat(99999), 'y'.repeat(100000)], meter);
    expect(meter.steps).toBeLessThanOrEqual(2 * 64 * 64);
  });

  it('gives the distance the full table gives whenever it is within the bound (seed 7)', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const word = () => Array.from({ length: 1 + Math.floor(next() * 10) }, () => 'abcd'[Math.floor(next() * 4)]).join('');
    for (let i = 0; i < 2000; i++) {
      const a = word();
      const b = word();
      const full = editDistance(a, b);
      for (const max of [0, 1, 2, 3]) expect(editDistance(a, b, max)).toBe(full <= max ? full : max + 1);
    }
  });
});
