import { describe, it, expect } from 'vitest';
import { tokenize } from '../../../src/expr/tokenize.js';

describe('tokenize()', () => {
  it('splits names, numbers, strings and operators with offsets', () => {
    expect(tokenize("a.b >= 1.5 && 'x'").map((t) => [t.kind, t.text, t.start, t.end])).toEqual([
      ['identifier', 'a', 0, 1],
      ['punct', '.', 1, 2],
      ['identifier', 'b', 2, 3],
      ['punct', '>=', 4, 6],
      ['number', '1.5', 7, 10],
      ['punct', '&&', 11, 13],
      ['string', 'x', 14, 17],
      ['eof', '', 17, 17],
    ]);
  });

  it('prefers two-character operators', () => {
    expect(tokenize('a<=b!=c').filter((t) => t.kind === 'punct').map((t) => t.text)).toEqual(['<=', '!=']);
  });

  it('refuses a single = (there is no assignment)', () => {
    expect(() => tokenize('a = 1')).toThrow("unexpected character '=' at offset 2");
  });

  it('refuses an unknown escape in a string', () => {
    expect(() => tokenize("'\\x41'")).toThrow('invalid escape');
  });

  it('refuses a number run into a name', () => {
    expect(() => tokenize('12abc')).toThrow("invalid number '12a'");
  });
});
