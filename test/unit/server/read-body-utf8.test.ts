import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from '../../../src/core/utf8.js';

describe('firstInvalidUtf8()', () => {
  it('accepts ASCII and every width of valid UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('plain, é, €, 😀', 'utf8'))).toBe(-1);
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an invalid lead byte', [0x61, 0x62, 0xff], 2],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short at the end', [0x7b, 0xe2, 0x82], 1],
  ])('finds %s', (_name, bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});
