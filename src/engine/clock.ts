/** Time as the engine sees it: injected so retries and timeouts run under fake time in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The longest delay setTimeout takes; a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The real clock: Date.now and setTimeout, chained for delays past setTimeout's ~24.8 days (a sleep of weeks). */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      // Every running task arms one (its timeout): the common case makes no chain.
      if (ms <= MAX_TIMEOUT_MS) {
        const timeout = setTimeout(fn, Math.max(0, ms));
        return () => clearTimeout(timeout);
      }
      let handle: NodeJS.Timeout;
      const arm = (left: number): void => {
        handle = left > MAX_TIMEOUT_MS ? setTimeout(() => arm(left - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS) : setTimeout(fn, Math.max(0, left));
      };
      arm(ms);
      return () => clearTimeout(handle);
    },
  };
}
