/** Time as the engine sees it: injected so retries and timeouts run under fake time in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The real clock: Date.now and setTimeout. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      const handle = setTimeout(fn, Math.max(0, ms));
      return () => clearTimeout(handle);
    },
  };
}
