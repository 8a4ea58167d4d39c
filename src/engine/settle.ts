/**
 * The scheduling rule: given the state after an event, what happens next —
 * skips, fan-out endings, task starts up to the concurrency limits, and the
 * execution's end once nothing is left to run.
 */
export { failTask } from './fail-task.js';
import type { TaskDef, TaskError } from '../core/model.js';
import type { Command } from './commands.js';
import { renderSafe, scopeFor, type DecideContext } from './decide-context.js';
import { failTask } from './fail-task.js';
import { triggerRuleOf } from './plan.js';
import type { ExecutionState, TaskState, WorkRef } from './state.js';
import { resolveWaits } from './resolve-waits.js';
import { isWaitTask, waitSpecOf } from './wait-spec.js';

function allowedWhileCanceling(ctx: DecideContext, state: ExecutionState, ref: WorkRef): boolean {
  if (ctx.plan.handlers[ref.task]) return state.tasks[ref.task]?.triggered === true;
  return triggerRuleOf(ctx.plan.tasks[ref.task]) === 'all_done';
}

function finishFanOut(ctx: DecideContext, state: ExecutionState, taskId: string): Command[] {
  const task = state.tasks[taskId];
  const items = task?.items;
  if (!task || !items) return [];
  const failFast = (ctx.plan.tasks[taskId]?.on_item_failure ?? 'fail_fast') === 'fail_fast';
  const failedIndex = items.findIndex((unit) => unit.status === 'failed' || unit.status === 'canceled');
  if (state.canceling && failedIndex >= 0) {
    return [failTask(ctx, state, taskId, task.attempt, canceledError(task.attempt), true)];
  }
  if (failFast && failedIndex >= 0) {
    const cause = items[failedIndex]?.error;
    const error: TaskError = {
      type: cause?.type ?? 'ACTION_FAILED',
      message: `item ${failedIndex} failed: ${cause?.message ?? 'unknown error'}`,
      retriable: false,
      attempt: task.attempt,
    };
    if (cause?.cause !== undefined) error.cause = cause.cause;
    const aborts: Command[] = [];
    items.forEach((unit, index) => {
      if (unit.status === 'running') aborts.push({ kind: 'AbortUnit', task_id: taskId, item_index: index, reason: 'fail_fast' });
    });
    return [...aborts, failTask(ctx, state, taskId, task.attempt, error)];
  }
  if (task.items_done < items.length) return [];
  const failed = items.flatMap((unit, index) => (unit.status === 'completed' ? [] : [index]));
  return [
    {
      kind: 'CompleteTask',
      task_id: taskId,
      attempt: task.attempt,
      output: items.map((unit) => (unit.status === 'completed' ? unit.output : null)),
      ...(failed.length > 0 ? { failed_items: failed } : {}),
    },
  ];
}

/** The scope of a render that evaluates nothing (never added to). */
const NO_SCOPE: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** No commands (never added to: callers only read it). */
const NONE: Command[] = [];

/** Appends a start that uses no slot (a skip, a failure, a fan-out, a wait); returns 0. */
function none(out: Command[], command: Command): number {
  out.push(command);
  return 0;
}

export function canceledError(attempt: number): TaskError {
  return { type: 'CANCELED', message: 'the execution was canceled', retriable: false, attempt };
}

/**
 * Appends what starting a task's first attempt takes to `out`; returns the slots it uses.
 * `def` and `task` are the caller's lookups of `taskId`: each id lookup in the plan's and the
 * state's dictionaries is a megamorphic load, several per start when every step made its own.
 */
function startFirst(ctx: DecideContext, state: ExecutionState, taskId: string, def: TaskDef, task: TaskState, at: number, out: Command[]): number {
  const attempt = task.attempt + 1;
  // Built only for a task with an expression to evaluate here: most tasks have none.
  const scope = def.condition !== undefined || def.with_items !== undefined ? scopeFor(state, ctx) : {};
  const fresh = task.attempt === task.attempt_base;
  if (fresh && def.condition !== undefined) {
    const rendered = renderSafe(ctx, def.condition, scope, attempt);
    if (!rendered.ok) return none(out, failTask(ctx, state, taskId, attempt, rendered.error));
    if (!rendered.value) return none(out, { kind: 'SkipTask', task_id: taskId, reason: 'condition' });
  }
  if (def.with_items !== undefined) {
    const rendered = renderSafe(ctx, def.with_items, scope, attempt);
    if (!rendered.ok) return none(out, failTask(ctx, state, taskId, attempt, rendered.error));
    const items = rendered.value;
    if (!Array.isArray(items)) {
      const message = `with_items of task '${taskId}' gave a ${typeof items}; it must give an array`;
      return none(out, failTask(ctx, state, taskId, attempt, { type: 'EXPR_TYPE', message, retriable: false, attempt }));
    }
    if (items.length > ctx.config.limits.max_items) {
      const message = `with_items of task '${taskId}' gave ${items.length} items; the limit is ${ctx.config.limits.max_items}`;
      return none(out, failTask(ctx, state, taskId, attempt, { type: 'EXEC_LIMIT', message, retriable: false, attempt }));
    }
    if (items.length === 0) return none(out, { kind: 'CompleteTask', task_id: taskId, attempt, output: [] });
    return none(out, { kind: 'StartFanOut', task_id: taskId, items });
  }
  return startUnit(ctx, state, taskId, def, task, undefined, at, out);
}

/** Appends what starting a unit's next attempt takes to `out`; returns the slots it uses. `def`, `task`: as startFirst's. */
function startUnit(
  ctx: DecideContext,
  state: ExecutionState,
  taskId: string,
  def: TaskDef,
  task: TaskState,
  item: number | undefined,
  at: number,
  out: Command[],
): number {
  const unit = item === undefined ? task : task.items?.[item];
  if (!unit) return 0;
  const attempt = unit.attempt + 1;
  let input: Record<string, unknown> = def.input ?? {};
  if (ctx.plan.needs_render[taskId]) {
    const extra = item === undefined ? {} : { item: task.item_values?.[item] ?? null, item_index: item };
    const rendered = renderSafe(ctx, input, scopeFor(state, ctx, extra), attempt);
    if (!rendered.ok) {
      if (item !== undefined) {
        return none(out, { kind: 'FailTask', task_id: taskId, item_index: item, attempt, error: rendered.error });
      }
      return none(out, failTask(ctx, state, taskId, attempt, rendered.error));
    }
    input = (rendered.value as Record<string, unknown>) ?? {};
  }
  if (item === undefined && isWaitTask(def.action, input)) {
    // A durable wait: recorded, never dispatched to a handler, and counted in no slot.
    const wait = waitSpecOf(def.action, input, at, def.timeout_ms);
    if (!wait.ok) {
      const error: TaskError = { type: 'ACTION_INPUT_INVALID', message: `task '${taskId}' (${def.action}): ${wait.message}`, retriable: false, attempt };
      return none(out, failTask(ctx, state, taskId, attempt, error));
    }
    return none(out, { kind: 'StartWait', task_id: taskId, attempt, input, wait: wait.spec });
  }
  const command: Command = {
    kind: 'StartTask',
    task_id: taskId,
    attempt,
    input,
  };
  if (def.timeout_ms !== undefined) command.timeout_ms = def.timeout_ms;
  if (item !== undefined) command.item_index = item;
  out.push(command);
  return 1;
}

function startReady(ctx: DecideContext, state: ExecutionState, at: number): Command[] {
  if (state.status !== 'running' && !(state.status === 'paused' && state.canceling)) return [];
  let capacity = ctx.config.max_concurrent_tasks - state.running;
  if (capacity <= 0) return NONE;
  let itemStarts: Record<string, number> | null = null;
  const commands: Command[] = [];
  const ready = state.ready;
  for (let index = 0; index < ready.length; index += 1) {
    if (capacity <= 0) break;
    const ref = ready.at(index) as WorkRef;
    if (ref.not_before !== undefined && ref.not_before > at) continue;
    if (state.canceling && !allowedWhileCanceling(ctx, state, ref)) continue;
    const task = state.tasks[ref.task];
    const def = ctx.plan.tasks[ref.task];
    if (!task || !def) continue;
    let used: number;
    if (ref.item !== undefined) {
      const limit = def.concurrency ?? Number.POSITIVE_INFINITY;
      itemStarts ??= {};
      const started = itemStarts[ref.task] ?? 0;
      if (task.items_running + started >= limit) continue;
      used = startUnit(ctx, state, ref.task, def, task, ref.item, at, commands);
      itemStarts[ref.task] = started + used;
    } else if (task.attempt > task.attempt_base) {
      used = startUnit(ctx, state, ref.task, def, task, undefined, at, commands);
    } else {
      used = startFirst(ctx, state, ref.task, def, task, at, commands);
    }
    capacity -= used;
  }
  return commands;
}

function unhandled(state: ExecutionState, taskId: string): boolean {
  const task = state.tasks[taskId];
  if (!task || task.status !== 'failed') return false;
  return task.handled_by === null || state.tasks[task.handled_by]?.status !== 'completed';
}

function finish(ctx: DecideContext, state: ExecutionState): Command[] {
  const skips: Command[] = [];
  for (const id of ctx.plan.order) {
    const task = state.tasks[id];
    if (!task || task.status !== 'pending' || task.queued) continue;
    skips.push({ kind: 'SkipTask', task_id: id, reason: ctx.plan.handlers[id] ? 'not_triggered' : 'unreachable' });
  }
  if (skips.length > 0) return skips;
  const failedId = state.failures.find((id) => unhandled(state, id));
  if (failedId !== undefined) {
    const error = state.tasks[failedId]?.error ?? { type: 'ACTION_FAILED', message: 'task failed', retriable: false, attempt: 0 };
    return [{ kind: 'FailWorkflow', error, task_id: failedId }];
  }
  // An output without an expression reads no scope: its render only copies it as data.
  const scope = ctx.plan.output_reads_scope ? scopeFor(state, ctx) : NO_SCOPE;
  const rendered = renderSafe(ctx, ctx.plan.workflow.output ?? {}, scope, 0);
  if (!rendered.ok) return [{ kind: 'FailWorkflow', error: rendered.error }];
  return [{ kind: 'CompleteWorkflow', output: (rendered.value as Record<string, unknown>) ?? {} }];
}

/** What to do next in a running (or paused, or canceling) execution. */
export function settle(ctx: DecideContext, state: ExecutionState, at: number): Command[] {
  if (state.status !== 'running' && state.status !== 'paused') return [];
  if (state.to_skip.length > 0 || state.finishing.length > 0 || (!state.canceling && state.waiting.length > 0)) {
    const commands: Command[] = state.to_skip.map(
      (id) => ({ kind: 'SkipTask', task_id: id, reason: state.tasks[id]?.skip_requested ? 'manual' : 'upstream' }) as Command,
    );
    for (const id of state.finishing) commands.push(...finishFanOut(ctx, state, id));
    if (!state.canceling && state.waiting.length > 0) commands.push(...resolveWaits(ctx, state, at));
    if (commands.length > 0) return commands;
  }
  const starts = startReady(ctx, state, at);
  if (starts.length > 0) return starts;
  if (state.running > 0) return NONE;
  if (state.canceling) {
    const waiting = state.ready.some((ref) => allowedWhileCanceling(ctx, state, ref));
    return waiting ? [] : [{ kind: 'CancelWorkflow', terminated: false }];
  }
  if (state.ready.length > 0 || state.waiting.length > 0) return [];
  return finish(ctx, state);
}
