/**
 * When a schedule fires: pure functions of the schedule and a time range, so every node
 * computes the same scheduled times and the store's unique key can decide who fires.
 */
import { MIN_SCHEDULE_INTERVAL_MS, type ScheduleDef } from '../core/model.js';
import { cronTimesAfter } from './cron.js';

/** Up to `count` scheduled times strictly after `after` and at most `until`, oldest first. */
export function scheduleTimes(schedule: ScheduleDef, after: number, count: number, until = Number.MAX_SAFE_INTEGER): number[] {
  const start = schedule.start_at === undefined ? Number.NEGATIVE_INFINITY : Date.parse(schedule.start_at);
  const end = schedule.end_at === undefined ? Number.POSITIVE_INFINITY : Date.parse(schedule.end_at);
  // start_at is inclusive, end_at exclusive (as croner reads them).
  const from = Math.max(after, start - 1);
  const last = Math.min(until, end - 1);
  if (count <= 0 || from >= last) return [];
  if (schedule.cron !== undefined) return cronTimesAfter(schedule.cron, schedule.timezone, from, count, last);
  if (schedule.every_ms === undefined) return [];
  // Never faster than the minimum, whatever a caller passes (loadSchedules has already held stored ones to it).
  const every = Math.max(schedule.every_ms, MIN_SCHEDULE_INTERVAL_MS);
  // `every` is anchored at start_at (or the epoch), so the times do not depend on when a node started.
  const anchor = Number.isFinite(start) ? start : 0;
  const out: number[] = [];
  let at = anchor + (Math.floor((from - anchor) / every) + 1) * every;
  while (out.length < count && at <= last) {
    out.push(at);
    at += every;
  }
  return out;
}

/** The stable delay of one fire, below `jitter_ms`: the same on every node for a trigger and time. */
export function jitterOf(triggerId: string, scheduledAt: number, jitterMs: number): number {
  if (jitterMs <= 0) return 0;
  // FNV-1a over the key: cheap, stable and spread enough to de-synchronise fires.
  let hash = 0x811c9dc5;
  for (const ch of `${triggerId}@${scheduledAt}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % jitterMs;
}
