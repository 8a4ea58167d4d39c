/**
 * The pure core of the engine: `decide(state, input, ctx)` returns the commands that
 * follow from one input; `step` applies them (each command's event folded in turn)
 * and keeps deciding until the execution settles. No I/O, no clock: time is `input.at`.
 */
import type { ExecutionEvent, TaskError } from '../core/model.js';
import { pauseMatters, resumeMatters } from './control-rules.js';
import { eventOf, type Command, type EventDraft } from './commands.js';
import { jsonBytesOver, runningUnits, unitOf, type DecideContext, type DecideInput } from './decide-context.js';
import { outputShapeProblem } from './output-shape.js';
import { downstreamClosure } from './plan.js';
import { resolveRetryPolicy, retryDelay, shouldRetry } from './retry.js';
import { canceledError, failTask, settle } from './settle.js';
import { fold } from './fold.js';
import { isTerminalExecution, snapshotOf, type ExecutionState } from './state.js';

function onFailure(
  ctx: DecideContext,
  state: ExecutionState,
  taskId: string,
  item: number | undefined,
  error: TaskError,
  at: number,
  interrupted: boolean,
): Command[] {
  const unit = unitOf(state, taskId, item);
  const def = ctx.plan.tasks[taskId];
  if (!unit || !def) return [];
  const withItem = <C extends Command>(command: C): C => {
    if (item !== undefined) (command as { item_index?: number }).item_index = item;
    return command;
  };
  if (state.canceling) {
    const canceled = canceledError(unit.attempt);
    // Canceled or not, the model server billed what it answered.
    if (error.usage !== undefined) canceled.usage = error.usage;
    if (item !== undefined) return [withItem({ kind: 'FailTask', task_id: taskId, attempt: unit.attempt, error: canceled, canceled: true })];
    return [failTask(ctx, state, taskId, unit.attempt, canceled, true)];
  }
  const interruptions = unit.interruptions ?? 0;
  // The engine's own death is not the task's failure: re-dispatch at once without spending
  // the retry budget, up to a limit so a task that kills its engine cannot loop for ever.
  if (interrupted && interruptions < ctx.config.limits.max_task_interruptions) {
    return [withItem({ kind: 'ScheduleRetry', task_id: taskId, attempt: unit.attempt + 1, at_ms: at, delay_ms: 0, error, interrupted: true })];
  }
  const policy = resolveRetryPolicy(def, ctx.config);
  const tries = unit.attempt - unit.attempt_base - interruptions;
  if (shouldRetry(policy, error, tries)) {
    const delay = retryDelay(policy, tries, ctx.random());
    return [withItem({ kind: 'ScheduleRetry', task_id: taskId, attempt: unit.attempt + 1, at_ms: at + delay, delay_ms: delay, error })];
  }
  if (item !== undefined) return [withItem({ kind: 'FailTask', task_id: taskId, attempt: unit.attempt, error })];
  return [failTask(ctx, state, taskId, unit.attempt, error)];
}

function onResult(ctx: DecideContext, state: ExecutionState, input: Extract<DecideInput, { kind: 'result' }>): Command[] {
  const unit = unitOf(state, input.task_id, input.item_index);
  if (!unit || unit.status !== 'running' || unit.attempt !== input.attempt) return [];
  const result = input.result;
  if (result.status === 'success') {
    const shape = outputShapeProblem(result.data);
    if (shape !== null) {
      const error: TaskError = { type: 'TASK_OUTPUT_INVALID', message: `task '${input.task_id}' returned output that ${shape}`, retriable: false, attempt: unit.attempt };
      if (result.usage !== undefined) error.usage = result.usage;
      return onFailure(ctx, state, input.task_id, input.item_index, error, input.at, false);
    }
    const limit = ctx.config.limits.max_task_output_bytes;
    const size = jsonBytesOver(result.data, limit);
    if (size !== null) {
      const message = `task '${input.task_id}' returned ${size} bytes of output; the limit is ${limit}`;
      const error: TaskError = { type: 'TASK_OUTPUT_TOO_LARGE', message, retriable: false, attempt: unit.attempt };
      // the refused reply was billed all the same
      if (result.usage !== undefined) error.usage = result.usage;
      return onFailure(ctx, state, input.task_id, input.item_index, error, input.at, false);
    }
    const command: Command = { kind: 'CompleteTask', task_id: input.task_id, attempt: unit.attempt, output: result.data ?? null };
    if (input.item_index !== undefined) command.item_index = input.item_index;
    return [command];
  }
  const error: TaskError = {
    type: result.error_type,
    message: result.error_message,
    retriable: result.is_retriable,
    attempt: unit.attempt,
  };
  if (result.cause !== undefined) error.cause = result.cause;
  if (result.usage !== undefined) error.usage = result.usage;
  return onFailure(ctx, state, input.task_id, input.item_index, error, input.at, false);
}

function aborts(state: ExecutionState, reason: string): Command[] {
  return runningUnits(state).map(({ task_id, item_index }) => {
    const command: Command = { kind: 'AbortUnit', task_id, reason };
    if (item_index !== undefined) command.item_index = item_index;
    return command;
  });
}

const active = (state: ExecutionState): boolean => state.status === 'running' || state.status === 'paused';

/** The commands that follow from one input. Never mutates `state`. */
export function decide(state: ExecutionState, input: DecideInput, ctx: DecideContext): Command[] {
  switch (input.kind) {
    case 'start':
      return state.status === 'pending' ? [{ kind: 'StartWorkflow', data: input.data }] : [];
    case 'settle':
      return settle(ctx, state, input.at);
    case 'result':
      return active(state) ? onResult(ctx, state, input) : [];
    case 'recover': {
      if (!active(state)) return [];
      const interrupted = runningUnits(state).flatMap(({ task_id, item_index, unit }) => {
        const error: TaskError = {
          type: 'INTERRUPTED',
          message: `the engine stopped while the task ran (interruption ${(unit.interruptions ?? 0) + 1}; the limit is ${ctx.config.limits.max_task_interruptions})`,
          retriable: true,
          attempt: unit.attempt,
        };
        return onFailure(ctx, state, task_id, item_index, error, input.at, true);
      });
      return interrupted.length > 0 ? interrupted : settle(ctx, state, input.at);
    }
    case 'pause':
      return pauseMatters(state, input.by_parent) ? [input.by_parent === undefined ? { kind: 'PauseWorkflow' } : { kind: 'PauseWorkflow', by_parent: input.by_parent }] : [];
    case 'resume':
      return resumeMatters(state, input.by_parent) ? [{ kind: 'ResumeWorkflow', mode: 'resume' }] : [];
    case 'cancel':
      if (!active(state) || state.canceling) return [];
      return [{ kind: 'RequestCancel', grace_ms: ctx.config.cancel_grace_ms }, ...aborts(state, 'canceled')];
    case 'terminate':
      if (isTerminalExecution(state.status)) return [];
      return [...aborts(state, 'terminated'), { kind: 'CancelWorkflow', terminated: true }];
    case 'cancel_grace_expired': {
      if (!state.canceling || state.cancel_requested_ms === null) return [];
      const deadline = state.cancel_requested_ms;
      return runningUnits(state)
        .filter(({ unit }) => (unit.started_ms ?? 0) <= deadline)
        .map(({ task_id, item_index, unit }) => {
          if (item_index !== undefined) {
            const command: Command = { kind: 'FailTask', task_id, item_index, attempt: unit.attempt, error: canceledError(unit.attempt), canceled: true };
            return command;
          }
          return failTask(ctx, state, task_id, unit.attempt, canceledError(unit.attempt), true);
        });
    }
    case 'execution_timeout': {
      if (!active(state)) return [];
      const limit = ctx.config.max_execution_time_ms;
      const error: TaskError = {
        type: 'TIMEOUT',
        message: `the execution ran longer than max_execution_time_ms (${limit})`,
        retriable: false,
        attempt: 0,
      };
      return [...aborts(state, 'timeout'), { kind: 'FailWorkflow', error }];
    }
    case 'skip': {
      const task = state.tasks[input.task_id];
      if (!active(state) || !task || task.status !== 'pending' || task.skip_requested) return [];
      // Not ready yet: skipping now would let its dependants start before its own upstream ends.
      const ready = ctx.plan.handlers[input.task_id] !== undefined || state.ready.some((ref) => ref.task === input.task_id);
      return [ready ? { kind: 'SkipTask', task_id: input.task_id, reason: 'manual' } : { kind: 'RequestSkip', task_id: input.task_id }];
    }
    case 'retry_execution': {
      if (state.status !== 'failed' && state.status !== 'canceled') return [];
      const reset = ctx.plan.order.filter((id) => state.tasks[id]?.status !== 'completed' || ctx.plan.handlers[id]);
      return [{ kind: 'ResumeWorkflow', mode: 'retry', reset }];
    }
    case 'rerun': {
      if (!isTerminalExecution(state.status) || !ctx.plan.tasks[input.task_id]) return [];
      const closure = new Set(downstreamClosure(ctx.plan, input.task_id));
      for (const id of ctx.plan.order) {
        if (ctx.plan.handlers[id] || state.tasks[id]?.status === 'canceled') closure.add(id);
      }
      const reset = ctx.plan.order.filter((id) => closure.has(id));
      return [{ kind: 'ResumeWorkflow', mode: 'rerun', reset, from: input.task_id }];
    }
    case 'checkpoint':
      return state.status === 'pending' ? [] : [{ kind: 'CreateCheckpoint', checkpoint_id: input.checkpoint_id }];
    case 'signal':
      // Recorded whether or not a task waits for it yet: settle hands it to the oldest wait.
      return active(state) ? [{ kind: 'RecordSignal', name: input.name, payload: input.payload, sent_by: input.sent_by }] : [];
    case 'approval':
      return active(state) ? onDecision(ctx, state, input) : [];
  }
}

function onDecision(ctx: DecideContext, state: ExecutionState, input: Extract<DecideInput, { kind: 'approval' }>): Command[] {
  const task = state.tasks[input.task_id];
  const wait = task?.wait;
  if (!task || task.status !== 'waiting' || wait?.kind !== 'approval') return [];
  const decidedAt = new Date(input.at).toISOString();
  const output = { decision: input.decision, by: input.by, comment: input.comment, decided_at: decidedAt };
  const record: Command = { kind: 'RecordDecision', task_id: input.task_id, attempt: task.attempt, decision: input.decision, by: input.by, comment: input.comment };
  if (input.decision === 'approve' || wait.on_reject === 'complete') {
    return [record, { kind: 'CompleteTask', task_id: input.task_id, attempt: task.attempt, output }];
  }
  const reason = input.comment === null ? '' : `: ${input.comment}`;
  const error: TaskError = { type: 'REJECTED', message: `task '${input.task_id}' was rejected by '${input.by}'${reason}`, retriable: false, attempt: task.attempt };
  return [record, failTask(ctx, state, input.task_id, task.attempt, error)];
}

/** A snapshot taken as a checkpoint_created event was folded. */
export interface StepSnapshot {
  checkpoint_id: string;
  seq: number;
  snapshot: unknown;
}

export interface StepResult {
  commands: Command[];
  events: ExecutionEvent[];
  snapshots: StepSnapshot[];
}

// Steps that finish in the same millisecond (most of a busy engine's) share one string.
let lastMs = Number.NaN;
let lastIso = '';
// toISOString formats through V8's printf-like date formatter (~7,000 instructions a call):
// only the minute's text comes from it, the seconds and milliseconds are appended here.
let minuteMs = Number.NaN;
let minuteText = '';

/** `new Date(ms).toISOString()`, remembered for the latest millisecond. */
export function isoTime(ms: number): string {
  if (ms === lastMs) return lastIso;
  const whole = Math.trunc(ms);
  // Outside Date's range (or NaN) toISOString throws, and so must this.
  if (!(Math.abs(whole) <= 8.64e15 - 60_000)) return new Date(ms).toISOString();
  const minute = Math.floor(whole / 60_000) * 60_000;
  if (minute !== minuteMs) {
    const text = new Date(minute).toISOString();
    // "…THH:MM:" : the text less its "ss.mmmZ" (years past 9999 have a longer prefix)
    minuteText = text.slice(0, text.length - 7);
    minuteMs = minute;
  }
  const within = whole - minute;
  const seconds = Math.floor(within / 1000);
  const millis = within - seconds * 1000;
  lastIso = `${minuteText}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  lastMs = ms;
  return lastIso;
}

/**
 * The draft numbered and stamped, its keys in the order a spread of the draft gave them
 * (the stored JSON is unchanged); written out because a spread of drafts of many shapes
 * was the dearest line of a step.
 */
function stamped(draft: EventDraft, state: ExecutionState, timestamp: string): ExecutionEvent {
  const seq = state.last_seq + 1;
  if (draft.task_id === undefined) {
    return { event_type: draft.event_type, data: draft.data, execution_id: state.execution_id, workflow_id: state.workflow_id, timestamp, seq } as ExecutionEvent;
  }
  return {
    event_type: draft.event_type,
    task_id: draft.task_id,
    data: draft.data,
    execution_id: state.execution_id,
    workflow_id: state.workflow_id,
    timestamp,
    seq,
  } as ExecutionEvent;
}

/**
 * Decides, folds the resulting events into `state`, and decides again until nothing
 * more follows: one scheduling step, whose events the runner commits together.
 */
export function step(state: ExecutionState, input: DecideInput, ctx: DecideContext): StepResult {
  const result: StepResult = { commands: [], events: [], snapshots: [] };
  const timestamp = isoTime(input.at);
  // The time fold would parse back from the timestamp (a Date holds whole ms).
  const atMs = Math.trunc(input.at);
  const limit = ctx.config.limits.max_events_per_execution;
  let commands = decide(state, input, ctx);
  while (commands.length > 0) {
    let folded = 0;
    for (let index = 0; index < commands.length; index += 1) {
      const command = commands[index] as Command;
      let draft = eventOf(command, input.at);
      if (draft === null) {
        result.commands.push(command);
        continue;
      }
      let chosen = command;
      if (draft.event_type !== 'workflow_failed' && state.last_seq + 2 > limit) {
        const error: TaskError = {
          type: 'EXEC_LIMIT',
          message: `the execution reached max_events_per_execution (${limit})`,
          retriable: false,
          attempt: 0,
        };
        chosen = { kind: 'FailWorkflow', error };
        draft = eventOf(chosen, input.at);
        if (draft === null) break;
      }
      const event = stamped(draft, state, timestamp);
      fold(ctx.plan, state, event, atMs);
      result.events.push(event);
      result.commands.push(chosen);
      folded += 1;
      if (chosen.kind === 'CreateCheckpoint') {
        result.snapshots.push({ checkpoint_id: chosen.checkpoint_id, seq: event.seq, snapshot: snapshotOf(state) });
      }
      if (chosen !== command) return result;
    }
    if (folded === 0 || isTerminalExecution(state.status)) break;
    commands = settle(ctx, state, input.at);
  }
  return result;
}
