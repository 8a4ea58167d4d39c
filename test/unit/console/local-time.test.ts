import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from '../../../console/src/components/local-time.js';

describe('toLocalInput() and fromLocalInput()', () => {
  it('reads a datetime-local value as the local wall clock and writes it back unchanged', () => {
    const iso = fromLocalInput('2026-03-29T02:30');
    expect(iso).toBe(new Date(2026, 2, 29, 2, 30).toISOString());
    expect(toLocalInput(new Date(2026, 0, 31, 9, 5).toISOString())).toBe('2026-01-31T09:05');
    expect(fromLocalInput(toLocalInput('2026-07-01T12:34:00.000Z'))).toBe(new Date(toLocalInput('2026-07-01T12:34:00.000Z')).toISOString());
  });

  it('gives nothing for an empty or malformed value instead of a wrong instant', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('yesterday')).toBeUndefined();
    expect(toLocalInput(undefined)).toBe('');
    expect(toLocalInput('not a time')).toBe('');
  });
});
