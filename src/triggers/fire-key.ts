/**
 * The `scheduled_at` of a fire that no schedule names (a webhook delivery, an
 * after-trigger's source end). Fires are keyed by (trigger, scheduled_at); a schedule's
 * times are its own and distinct, but two deliveries may arrive in one millisecond (on one
 * node or several). Stepping to the next free millisecond made a burst of n deliveries in
 * one millisecond insert about n²/2 times; instead the key carries the millisecond and six
 * random digits below it (`2026-12-05T16:22:23.123480519Z`, still an RFC 3339 time that
 * sorts and parses as its millisecond), so concurrent fires do not collide. A collision
 * (one in a million per pair in one millisecond) draws again, never moves the time.
 */
import { randomInt } from 'node:crypto';

/** A fire key for an event at `ms` (epoch milliseconds): its ISO time with nine fraction digits. */
export function uniqueFireKey(ms: number): string {
  const iso = new Date(ms).toISOString(); // ...T16:22:23.123Z
  return `${iso.slice(0, -1)}${String(randomInt(1_000_000)).padStart(6, '0')}Z`;
}
