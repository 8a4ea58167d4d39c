import { describe, expect, it } from 'vitest';
import { MIN_BASE64_CORE, base64Cores } from '../../../src/core/secret-base64.js';

describe('base64Cores()', () => {
  it('holds the value encoded alone, in both alphabets, as Buffer encodes it', () => {
    for (const value of ['k9!z', 'sk-live-0123456789', 'é✓ and 🔑 ~~>>??', 'x'.repeat(61)]) {
      const forms = base64Cores(value);
      expect(forms).toContain(Buffer.from(value).toString('base64'));
      expect(forms).toContain(Buffer.from(value).toString('base64url'));
    }
  });

  it('finds the value inside a longer encoded text at each alignment, leaving at most two of its bytes at either end', () => {
    const value = 'p?>w~d-0123456789';
    const forms = base64Cores(value);
    for (const prefix of ['', 'a', 'ab', 'user:', 'Authorization: Bearer ']) {
      for (const encoding of ['base64', 'base64url'] as const) {
        const encoded = Buffer.from(`${prefix}${value}@host`).toString(encoding);
        const found = forms.filter((form) => encoded.includes(form)).sort((a, b) => b.length - a.length)[0];
        expect(found, `${encoding} after '${prefix}'`).toBeDefined();
        const at = encoded.indexOf(found as string);
        const left = Buffer.from(encoded.slice(0, at), encoding).length;
        const right = Buffer.from(encoded.slice(at + (found as string).length), encoding).length;
        expect(left - Buffer.byteLength(prefix), `bytes of it shown before, after '${prefix}'`).toBeLessThanOrEqual(2);
        expect(right - Buffer.byteLength('@host'), `bytes of it shown after, after '${prefix}'`).toBeLessThanOrEqual(2);
      }
    }
  });

  it('holds each line of its encoding wrapped at 76 and 64 columns', () => {
    const value = 'a key longer than one line of base64 text, 0123456789 0123456789';
    const encoded = Buffer.from(value).toString('base64');
    const forms = base64Cores(value);
    for (const width of [76, 64]) {
      const lines = encoded.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) if (line.length >= MIN_BASE64_CORE) expect(forms).toContain(line);
    }
  });

  it('leaves out runs too short to hide and values too short to mask', () => {
    expect(base64Cores('abc')).toEqual([]);
    // Alone, 'k9!z' is 'azkheg=='; inside other text only one group of four encodes its bytes alone.
    expect(base64Cores('k9!z').sort()).toEqual(['azkheg', 'azkheg==']);
  });
});
