import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../../src/packs/content-hash.js';

describe('canonicalJson()', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('leaves out undefined properties as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('refuses numbers JSON cannot represent', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/cannot hash the number 'NaN'/);
  });
});

describe('contentHash()', () => {
  it('gives the same hash to bodies that differ only in key order', () => {
    expect(contentHash({ a: 1, b: [1, 2] })).toBe(contentHash({ b: [1, 2], a: 1 }));
  });

  it('gives different hashes to different bodies', () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
  });

  it('is the sha256 hex digest of the canonical JSON', () => {
    expect(contentHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
