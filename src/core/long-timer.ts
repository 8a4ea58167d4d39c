/**
 * Timers for any delay a user may write. Node's setTimeout (and AbortSignal.timeout) run a
 * delay past 2^31-1 ms (~24.8 days) after 1 ms; a durable wait or a task timeout of weeks is
 * legitimate, so long delays are chained out of setTimeout-sized steps instead.
 */

/** The longest delay setTimeout takes; a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` after `ms` (any length); returns a function that cancels it. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  // The common case (every task's timeout) makes no chain.
  if (ms <= MAX_TIMER_MS) {
    const timeout = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timeout);
  }
  let handle: ReturnType<typeof setTimeout>;
  const arm = (left: number): void => {
    handle = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm(ms);
  return () => clearTimeout(handle);
}

/**
 * AbortSignal.timeout for any length: aborts with a `TimeoutError` DOMException (as
 * AbortSignal.timeout does) after `ms`. Call `cancel` once the work is done so no timer is held.
 */
export function longTimeoutSignal(ms: number): { signal: AbortSignal; cancel: () => void } {
  if (ms <= MAX_TIMER_MS) return { signal: AbortSignal.timeout(Math.max(0, ms)), cancel: () => undefined };
  const controller = new AbortController();
  const cancel = setLongTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return { signal: controller.signal, cancel };
}
