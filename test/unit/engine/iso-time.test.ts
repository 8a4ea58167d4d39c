import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/engine/decide.js';

describe('isoTime()', () => {
  it('formats as toISOString does, across minutes, days, years and signs', () => {
    const samples = [
      0, 1, 9, 10, 99, 100, 999, 1000, 59_999, 60_000, 60_001, 1_733_400_000_123, 1_733_400_059_999, 1_733_400_060_000,
      951_782_399_999, 951_782_400_000, -1, -999, -1000, -60_000, -60_001, -62_198_755_200_000, 253_402_300_799_999,
      253_402_300_800_000, 8.64e15 - 60_001, 1_733_400_000_123.7, -1.5,
    ];
    for (const ms of samples) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('gives the same text for consecutive calls of one millisecond and moves on with the next', () => {
    const at = Date.UTC(2026, 11, 5, 10, 59, 59, 998);
    expect(isoTime(at)).toBe('2026-12-05T10:59:59.998Z');
    expect(isoTime(at)).toBe('2026-12-05T10:59:59.998Z');
    expect(isoTime(at + 1)).toBe('2026-12-05T10:59:59.999Z');
    expect(isoTime(at + 2)).toBe('2026-12-05T11:00:00.000Z');
    expect(isoTime(at + 1)).toBe('2026-12-05T10:59:59.999Z');
  });

  it('throws as toISOString does outside the range of dates', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
    expect(isoTime(8.64e15)).toBe(new Date(8.64e15).toISOString());
  });
});
