import { setLongTimeout } from '../core/long-timer.js';

/** Time as the engine sees it: injected so retries and timeouts run under fake time in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The real clock: Date.now and timers chained for delays past setTimeout's ~24.8 days (a sleep of weeks). */
export function createSystemClock(): Clock {
  return { now: () => Date.now(), setTimer: (ms, fn) => setLongTimeout(fn, ms) };
}
