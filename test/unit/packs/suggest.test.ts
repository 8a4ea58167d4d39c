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
