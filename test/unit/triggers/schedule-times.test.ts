import { describe, it, expect } from 'vitest';
import type { ScheduleDef } from '../../../src/core/model.js';
import { parseDuration } from '../../../src/triggers/duration.js';
import { jitterOf, scheduleTimes } from '../../../src/triggers/schedule-times.js';

const base: ScheduleDef = { timezone: 'UTC', input: {}, overlap: 'skip', catchup_window_ms: 60_000, jitter_ms: 0, enabled: true };
const iso = (list: number[]) => list.map((t) => new Date(t).toISOString());
const T0 = Date.parse('2027-03-01T00:00:00Z');

describe('scheduleTimes()', () => {
  it('steps a five-field cron in its time zone', () => {
    const times = scheduleTimes({ ...base, cron: '0 2 * * *', timezone: 'Europe/Paris' }, T0, 2);
    expect(iso(times)).toEqual(['2027-03-01T01:00:00.000Z', '2027-03-02T01:00:00.000Z']);
  });

  it('reads six fields with seconds first', () => {
    expect(iso(scheduleTimes({ ...base, cron: '*/20 * * * * *' }, T0, 3))).toEqual(['2027-03-01T00:00:20.000Z', '2027-03-01T00:00:40.000Z', '2027-03-01T00:01:00.000Z']);
  });

  it('anchors every at the epoch so every node computes the same times', () => {
    expect(iso(scheduleTimes({ ...base, every_ms: 90_000 }, T0 + 1, 2))).toEqual(['2027-03-01T00:01:30.000Z', '2027-03-01T00:03:00.000Z']);
  });

  it('keeps start_at inclusive and end_at exclusive', () => {
    const schedule = { ...base, every_ms: 60_000, start_at: '2027-03-01T00:02:00.000Z', end_at: '2027-03-01T00:04:00.000Z' };
    expect(iso(scheduleTimes(schedule, T0, 10))).toEqual(['2027-03-01T00:02:00.000Z', '2027-03-01T00:03:00.000Z']);
  });

  it('stops at until (inclusive)', () => {
    expect(scheduleTimes({ ...base, every_ms: 1000 }, T0, 100, T0 + 3000)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
  });

  it('never steps an every finer than the 1s minimum, whatever a stored definition says', () => {
    expect(scheduleTimes({ ...base, every_ms: 1 }, T0, 100, T0 + 3000)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
    expect(scheduleTimes({ ...base, every_ms: 0 }, T0, 2)).toEqual([T0 + 1000, T0 + 2000]);
  });

  it('gives nothing for a schedule with neither cron nor every', () => {
    expect(scheduleTimes(base, T0, 3)).toEqual([]);
  });
});

describe('jitterOf()', () => {
  it('is stable and below the bound', () => {
    const a = jitterOf('demo.flow/nightly', T0, 30_000);
    expect(a).toBe(jitterOf('demo.flow/nightly', T0, 30_000));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(30_000);
    expect(jitterOf('demo.flow/nightly', T0, 0)).toBe(0);
  });
});

describe('parseDuration()', () => {
  it('reads units, compound durations and bare seconds', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration('2d')).toBe(172_800_000);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('5 minutes')).toBeNull();
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('1x')).toBeNull();
  });
});
