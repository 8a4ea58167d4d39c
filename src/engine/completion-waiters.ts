import type { ExecutionRecord } from '../core/model.js';
import type { EngineContext } from './engine-context.js';
import { currentRecord, getExecutionRecord } from './execution-record.js';
import { isTerminalExecution } from './state.js';

const TERMINAL_EVENTS = new Set(['workflow_completed', 'workflow_failed', 'workflow_canceled']);

/** Callers waiting for executions to finish, and the wake-ups that release them. */
export interface CompletionWaiters {
  /** Releases everyone waiting on the execution so they read it again. */
  wake(id: string): void;
  /** Resolves with the record once the execution has finished, here or on another node. */
  waitForCompletion(id: string): Promise<ExecutionRecord>;
}

/** Creates the engine's completion waiters. */
export function createCompletionWaiters(ctx: EngineContext): CompletionWaiters {
  const wakeups = new Map<string, Array<() => void>>();
  // Cluster nodes: executions finished by other nodes wake local waiters through the bus.
  let watchers = 0;
  let unwatch: (() => void) | null = null;

  const wake = (id: string): void => {
    const list = wakeups.get(id);
    wakeups.delete(id);
    for (const fn of list ?? []) fn();
  };

  const watchRemote = (): (() => void) => {
    watchers += 1;
    unwatch ??= ctx.bus.subscribe({}, (event) => {
      if (TERMINAL_EVENTS.has(event.event_type) && !ctx.runners.has(event.execution_id)) wake(event.execution_id);
    });
    return () => {
      watchers -= 1;
      if (watchers === 0 && unwatch) {
        unwatch();
        unwatch = null;
      }
    };
  };

  async function waitForCompletion(id: string): Promise<ExecutionRecord> {
    for (;;) {
      const runner = ctx.runners.get(id);
      if (runner && runner.failure === null) {
        await runner.whenDone();
        // A runner whose commit was refused (a cluster node that lost the lease) holds a state
        // the store does not: its "finished" is not the execution's, which finishes elsewhere.
        if (isTerminalExecution(runner.state.status) && runner.failure === null) return currentRecord(runner, ctx.clock.now());
        continue;
      }
      // Wait (and, in a cluster, watch other nodes) before reading, so a finish between the
      // read and the wait is not missed.
      const done = ctx.ownership ? watchRemote() : null;
      let resolveWoken!: () => void;
      const woken = new Promise<void>((resolve) => (resolveWoken = resolve));
      const list = wakeups.get(id) ?? [];
      list.push(resolveWoken);
      wakeups.set(id, list);
      try {
        const record = await getExecutionRecord(ctx, id);
        if (isTerminalExecution(record.status)) return record;
        if (ctx.runners.get(id)?.failure === null) continue;
        await woken;
      } finally {
        done?.();
        const left = wakeups.get(id)?.filter((fn) => fn !== resolveWoken);
        if (left && left.length > 0) wakeups.set(id, left);
        else if (left) wakeups.delete(id);
      }
    }
  }

  return { wake, waitForCompletion };
}
