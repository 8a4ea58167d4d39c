import type { WorkflowStartedData } from '../core/events.js';
import type { TaskDef, TaskError, TaskResult } from '../core/model.js';
import { isHarmoniaError } from '../core/errors.js';
import type { ResolvedEngineConfig } from './config.js';
import type { Plan } from './plan.js';
import { viewOf, type ExecutionState, type UnitState } from './state.js';

/** Deep-evaluates `${...}` strings in a value against a scope (src/expr's renderValue). */
export type RenderFn = (value: unknown, scope: Record<string, unknown>) => unknown;

/** Everything decide needs besides the state: all of it plain, none of it I/O. */
export interface DecideContext {
  plan: Plan;
  config: ResolvedEngineConfig;
  render: RenderFn;
  /** Allow-listed environment variables (`${env.NAME}`). */
  env: Record<string, string>;
  /** Saved custom state (`${state.*}`). */
  custom_state: Record<string, unknown>;
  /** In [0, 1): retry jitter. Its result is recorded in the event, so replays agree. */
  random: () => number;
}

/**
 * The DecideContext of an execution this engine drives. A class rather than a literal built
 * per execution: its instances share the constructor's map for the process's life, so the
 * field types V8 records for it (and the optimised code of `step`, `startUnit` and
 * `onResult` that relies on them) do not change when a later execution starts
 * (docs/performance.md, Fifth round).
 */
export class RunnerDecideContext implements DecideContext {
  constructor(
    readonly plan: Plan,
    readonly config: ResolvedEngineConfig,
    readonly render: RenderFn,
    readonly env: Record<string, string>,
    /** Replaced when the execution's custom state is saved (`saveState`). */
    public custom_state: Record<string, unknown>,
    readonly random: () => number,
  ) {}
}

/** What happened, as decide is told it. `at` is the time it happened (ms). */
export type DecideInput =
  | { kind: 'start'; at: number; data: WorkflowStartedData }
  | { kind: 'settle'; at: number }
  | { kind: 'result'; at: number; task_id: string; item_index?: number; attempt: number; result: TaskResult }
  | { kind: 'recover'; at: number }
  /** by_parent: the parent execution passing its own pause or resume on to this sub-workflow. */
  | { kind: 'pause' | 'resume'; at: number; by_parent?: string }
  | {
      kind: 'cancel' | 'terminate' | 'cancel_grace_expired' | 'execution_timeout' | 'retry_execution';
      at: number;
    }
  | { kind: 'skip' | 'rerun'; at: number; task_id: string }
  | { kind: 'checkpoint'; at: number; checkpoint_id: string }
  | { kind: 'signal'; at: number; name: string; payload: Record<string, unknown>; sent_by: string | null }
  | { kind: 'approval'; at: number; task_id: string; decision: 'approve' | 'reject'; by: string; comment: string | null };

export function scopeFor(state: ExecutionState, ctx: DecideContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tasks: viewOf(state),
    input: state.input,
    context: ctx.plan.workflow.context ?? {},
    env: ctx.env,
    state: ctx.custom_state,
    ...extra,
  };
}

export type Rendered = { ok: true; value: unknown } | { ok: false; error: TaskError };

/** Renders a value; an expression error becomes a non-retriable task error. */
export function renderSafe(ctx: DecideContext, value: unknown, scope: Record<string, unknown>, attempt: number): Rendered {
  try {
    return { ok: true, value: ctx.render(value, scope) };
  } catch (error) {
    const type = isHarmoniaError(error) ? error.code : 'EXPR_TYPE';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { type, message, retriable: false, attempt } };
  }
}

/** The handler that takes a task's failure: its on_error, else a global handler by error type. */
export function handlerFor(ctx: DecideContext, state: ExecutionState, taskId: string, errorType: string): string | undefined {
  const def: TaskDef | undefined = ctx.plan.tasks[taskId];
  const named =
    def?.on_error ??
    (ctx.plan.workflow.error_handlers ?? []).find((h) => h.error_type === errorType || h.error_type === '*')?.handler;
  if (named === undefined || named === taskId) return undefined;
  const handler = state.tasks[named];
  if (!handler || handler.status === 'completed' || handler.status === 'failed' || handler.status === 'skipped') {
    return undefined;
  }
  return named;
}

/** A unit by task id and item index. */
export function unitOf(state: ExecutionState, taskId: string, item: number | undefined): UnitState | undefined {
  const task = state.tasks[taskId];
  if (!task) return undefined;
  return item === undefined ? task : task.items?.[item];
}

/** Every unit running now, as [task id, item index]. */
export function runningUnits(state: ExecutionState): Array<{ task_id: string; item_index?: number; unit: UnitState }> {
  const found: Array<{ task_id: string; item_index?: number; unit: UnitState }> = [];
  for (const [id, task] of Object.entries(state.tasks)) {
    if (task.items) {
      task.items.forEach((unit, index) => {
        if (unit.status === 'running') found.push({ task_id: id, item_index: index, unit });
      });
    } else if (task.status === 'running') found.push({ task_id: id, unit: task });
  }
  return found;
}

/**
 * The UTF-8 length of a value's JSON when it is over `limit` bytes, else null. A UTF-16 code
 * unit is at most 3 bytes of UTF-8, so a text of at most limit / 3 units is not counted:
 * checked for every task result, most of them a few bytes long.
 */
export function jsonBytesOver(value: unknown, limit: number): number | null {
  // JSON.stringify escapes lone surrogates, so the text is well-formed UTF-16 and
  // Buffer.byteLength counts exactly what would be written.
  const text = JSON.stringify(value ?? null) ?? 'null';
  if (text.length * 3 <= limit) return null;
  const size = Buffer.byteLength(text, 'utf8');
  return size > limit ? size : null;
}
