/**
 * Daylight-saving changes as the scheduler reads them (croner's stepping, pinned here so an
 * upgrade that changes it is seen): a local time a spring-forward skips fires once, at the
 * first instant after the gap; a local time a fall-back repeats fires once, at its first
 * occurrence; an hourly or finer schedule keeps firing every real hour or step.
 */
import { describe, expect, it } from 'vitest';
import type { ScheduleDef } from '../../../src/core/model.js';
import { scheduleTimes } from '../../../src/triggers/schedule-times.js';

const base: ScheduleDef = { timezone: 'UTC', input: {}, overlap: 'skip', catchup_window_ms: 60_000, jitter_ms: 0, enabled: true };
const times = (cron: string, timezone: string, from: string, count: number) =>
  scheduleTimes({ ...base, cron, timezone }, Date.parse(from), count).map((t) => new Date(t).toISOString());

/** The local calendar day of `at` in `zone` (YYYY-MM-DD). */
function localDay(at: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

describe('scheduleTimes() across daylight-saving changes', () => {
  it('fires a 02:00 that New York skips at 03:00 that day, once', () => {
    expect(times('0 2 * * *', 'America/New_York', '2027-03-13T12:00:00Z', 2)).toEqual(['2027-03-14T07:00:00.000Z', '2027-03-15T06:00:00.000Z']);
    expect(times('30 2 * * *', 'America/New_York', '2027-03-13T12:00:00Z', 1)).toEqual(['2027-03-14T07:00:00.000Z']);
  });

  it('fires a 01:30 that New York repeats once, at its first occurrence (EDT)', () => {
    expect(times('30 1 * * *', 'America/New_York', '2027-11-06T12:00:00Z', 2)).toEqual(['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z']);
  });

  it('fires an hourly schedule every real hour through a fall-back (01:00 twice)', () => {
    expect(times('0 * * * *', 'America/New_York', '2027-11-07T04:30:00Z', 3)).toEqual(['2027-11-07T05:00:00.000Z', '2027-11-07T06:00:00.000Z', '2027-11-07T07:00:00.000Z']);
  });

  it('fires Berlin\'s skipped 02:00 at 03:00 CEST and its repeated 02:30 once', () => {
    expect(times('0 2 * * *', 'Europe/Berlin', '2027-03-27T12:00:00Z', 1)).toEqual(['2027-03-28T01:00:00.000Z']);
    expect(times('30 2 * * *', 'Europe/Berlin', '2027-10-30T12:00:00Z', 2)).toEqual(['2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z']);
  });

  it('follows Lord Howe\'s half-hour shift: a skipped 02:15 at 02:30, a repeated 01:45 once', () => {
    expect(times('15 2 * * *', 'Australia/Lord_Howe', '2027-10-01T16:00:00Z', 2)).toEqual(['2027-10-02T15:30:00.000Z', '2027-10-03T15:15:00.000Z']);
    expect(times('45 1 * * *', 'Australia/Lord_Howe', '2027-04-02T16:00:00Z', 2)).toEqual(['2027-04-03T14:45:00.000Z', '2027-04-04T15:15:00.000Z']);
  });

  it('reads zones whose offsets are not whole hours', () => {
    expect(times('0 2 * * *', 'Asia/Kathmandu', '2027-03-13T00:00:00Z', 1)).toEqual(['2027-03-13T20:15:00.000Z']);
    expect(times('0 2 * * *', 'Pacific/Chatham', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-01-01T12:15:00.000Z']);
    expect(times('0 2 * * *', 'America/St_Johns', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-01-01T05:30:00.000Z']);
  });

  it('fires a daily time once on every local day of a year, in zones with every kind of change', () => {
    const zones = ['America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Africa/Casablanca'];
    for (const zone of zones) {
      for (const cron of ['0 2 * * *', '30 1 * * *']) {
        const days = scheduleTimes({ ...base, cron, timezone: zone }, Date.parse('2027-01-01T12:00:00Z'), 365).map((t) => localDay(t, zone));
        // 365 fires on 365 distinct days, none skipped between the first and the last.
        expect(new Set(days).size, `${cron} in ${zone}`).toBe(365);
        expect((Date.parse(days.at(-1)!) - Date.parse(days[0]!)) / 86_400_000, `${cron} in ${zone}`).toBe(364);
      }
    }
  });
});
