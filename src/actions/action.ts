/**
 * The contract between the engine and whatever runs a task: a built-in, a pack
 * script in a child process, an HTTP call, a remote component.
 */
import type { TaskResult } from '../core/model.js';

export interface ActionContext {
  execution_id: string;
  task_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Stable across attempts: `<execution_id>:<task_id>` (plus `:<item_index>` in a fan-out). */
  idempotency_key: string;
  /**
   * Aborted on timeout, cancel or terminate. Handlers must stop their child process
   * or request when it fires; `signal.reason` says why. The engine's contexts read it
   * through a getter on their prototype (the signal is made on first read), so pass a
   * context on as it is: a copy made with `{ ...ctx }` has no `signal`.
   */
  signal: AbortSignal;
  /** The task's deadline in ms (already applied by the engine through `signal`). */
  timeout_ms: number;
  /** Absolute path of the task's pack (cwd for scripts), when the workflow came from a pack. */
  pack_dir?: string;
  /** Captured output larger than this fails the task with TASK_OUTPUT_TOO_LARGE. */
  max_output_bytes: number;
  /**
   * Writes a line to this attempt's task log (stored, masked, streamed live). Child
   * processes' stdout and stderr go here line by line; `system` is for what the action
   * itself reports (an HTTP exchange, a kill).
   */
  log?: (stream: TaskLogStream, line: string) => void;
  /**
   * While the task log is behind the store (lines printed faster than they are written), a
   * promise that resolves once it has caught up; null while it keeps up. An action reading a
   * child's output stops reading meanwhile, so the child waits on its pipe, not the engine's memory.
   */
  log_backlog?: () => Promise<void> | null;
}

/** Where a task log line came from. */
export type TaskLogStream = 'stdout' | 'stderr' | 'system';

export interface ActionHandler {
  /** The action's own default deadline (pack action `timeout_ms`); the task's `timeout_ms` wins. */
  readonly timeout_ms?: number;
  /** Runs one attempt. Never throws for a task failure: returns `{status: 'error', ...}`. */
  run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult>;
}
