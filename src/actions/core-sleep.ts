import type { TaskResult } from '../core/model.js';
import type { ActionContext, ActionHandler } from './action.js';
import { setLongTimeout } from '../core/long-timer.js';
import { parseDuration } from '../triggers/duration.js';
import { abortedResult, errorResult, successResult } from './task-result.js';

/** `core.sleep` in process: waits `ms` milliseconds → `{slept_ms}`; stops early when the task is aborted. */
export function createSleepAction(): ActionHandler {
  return {
    run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      // The engine runs `until`/`duration` as a durable wait; only a fan-out item gets here with them.
      const ms = input.ms ?? (typeof input.until === 'string' ? Math.max(0, Date.parse(input.until) - Date.now()) : parseDuration((input.duration as string | number | undefined) ?? 0));
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return Promise.resolve(errorResult('ACTION_INPUT_INVALID', `'ms' must be a number ≥ 0; got ${JSON.stringify(ms)}`, false));
      }
      if (ctx.signal.aborted) return Promise.resolve(abortedResult(ctx.signal, 'core.sleep'));
      return new Promise((resolve) => {
        const onAbort = (): void => {
          cancel();
          resolve(abortedResult(ctx.signal, 'core.sleep'));
        };
        // A fan-out item may sleep for weeks: past setTimeout's range the timer is chained.
        const cancel = setLongTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(successResult({ slept_ms: ms }));
        }, ms);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
