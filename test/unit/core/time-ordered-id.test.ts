import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../../src/core/time-ordered-id.js';

describe('timeOrderedId()', () => {
  it('is a version-7 UUID of the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i += 1) expect(timeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carries the milliseconds in its first 48 bits', () => {
    const ms = Date.UTC(2026, 11, 5, 7, 30);
    const id = timeOrderedId(ms);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts ids made in later milliseconds after earlier ones, as text', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_700_000_000_000 + i * 37));
    expect([...ids].sort()).toEqual(ids);
  });

  it('does not repeat within one millisecond', () => {
    // Across the random pool's refills (512 ids per fill).
    const ids = new Set(Array.from({ length: 5000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(ids.size).toBe(5000);
  });
});
