/**
 * The state of one execution: what the fold of its events (fold.ts) builds and what
 * decide reads. Plain JSON data, so a checkpoint is a copy of it.
 */
import type { ExecutionStatus, TaskError, TaskStatus } from '../core/model.js';
import type { Plan } from './plan.js';
import type { WaitSpec } from '../core/wait-wire.js';
import { WorkQueue } from './work-queue.js';
import { hasOwn } from '../core/has-own.js';

/** One runnable unit: a task, or one item of a fan-out task. */
export interface UnitState {
  status: TaskStatus;
  /** The latest attempt started (0 before the first). */
  attempt: number;
  /** Attempts made before the latest reset (execution retry or rerun); budgets count from here. */
  attempt_base: number;
  output: unknown;
  error: TaskError | null;
  /** Start of the current attempt, ms since the epoch. */
  started_ms: number | null;
  first_started_at: string | null;
  finished_at: string | null;
  /** Time spent in attempts, summed. */
  duration_ms: number;
  /** A scheduled retry may not start before this time (ms). */
  not_before: number | null;
  /**
   * Attempts since the latest reset that the engine's own death interrupted; they do not
   * count against the retry budget. Absent in checkpoints taken before it existed.
   */
  interruptions?: number;
}

export interface TaskState extends UnitState {
  /** Handlers: a failure named this task, so it may run. */
  triggered: boolean;
  /** In the ready queue or the skip list already (decided once per reset). */
  queued: boolean;
  handled_by: string | null;
  skip_reason: string | null;
  /**
   * An operator asked to skip this task before it was ready: the skip takes effect (reason
   * `manual`) once its upstream is done and it would otherwise run.
   */
  skip_requested: boolean;
  /** Upstream counters, kept so trigger rules are O(1) per event. */
  up_open: number;
  up_success: number;
  up_failed: number;
  up_skipped: number;
  items: UnitState[] | null;
  item_values: unknown[] | null;
  items_running: number;
  items_done: number;
  /** What the task waits for while `waiting` (from its task_waiting event); absent otherwise. */
  wait?: WaitSpec;
}

/** A signal recorded in the history that no core.signal task has taken yet. */
export interface BufferedSignal {
  seq: number;
  name: string;
  payload: Record<string, unknown>;
  received_at: string;
  sent_by: string | null;
}

/** A task (item undefined) or one item of a fan-out waiting to start. */
export interface WorkRef {
  task: string;
  item?: number;
  not_before?: number;
}

/** What expressions see as `tasks.<id>`. */
export interface TaskView {
  status: TaskStatus;
  output: unknown;
  error: TaskError | null;
}

export interface ExecutionState {
  execution_id: string;
  workflow_id: string;
  status: ExecutionStatus;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: TaskError | null;
  started_at: string | null;
  started_ms: number | null;
  finished_at: string | null;
  last_seq: number;
  tasks: Record<string, TaskState>;
  ready: WorkQueue;
  to_skip: string[];
  /** Fan-out tasks whose items are all done (or, fail_fast, one failed). */
  finishing: string[];
  /** Units running now. */
  running: number;
  /** Tasks in a durable wait, in the order they started waiting (they count in no slot). */
  waiting: string[];
  /** Signals received and not yet taken by a wait, oldest first. */
  signals: BufferedSignal[];
  /**
   * Since when only durable waits are open (ms), null while anything runs or is ready; and
   * the time spent so before. max_execution_time_ms counts neither: it bounds running.
   */
  dormant_since: number | null;
  dormant_ms: number;
  /** Failed tasks in the order they failed. */
  failures: string[];
  canceling: boolean;
  cancel_requested_ms: number | null;
  /** While paused: the parent whose pause was passed on here; null when an operator paused it (or not paused). */
  paused_by: string | null;
  last_checkpoint_seq: number;
  /**
   * Plain-data mirror of tasks for `${tasks.<id>}`; never snapshotted. Null until an
   * expression first needs it (viewOf builds it from the tasks), then kept in step by the
   * fold: most executions render no expression until their output, and a view built at the
   * start cost an object per task and two lookups per event.
   */
  view: Record<string, TaskView> | null;
}

/** Only durable waits are open: nothing runs, is ready, or is to be skipped or finished. */
export function isDormant(state: ExecutionState): boolean {
  return (
    (state.status === 'running' || state.status === 'paused') &&
    state.running === 0 &&
    state.ready.length === 0 &&
    state.to_skip.length === 0 &&
    state.finishing.length === 0 &&
    state.waiting.length > 0
  );
}

/** True when a task or execution status can no longer change without a retry or rerun. */
export function isTerminalTask(status: TaskStatus): boolean {
  // Compared, not looked up in a set: called for every edge of the DAG as tasks finish.
  return status === 'completed' || status === 'failed' || status === 'skipped' || status === 'canceled';
}

export function isTerminalExecution(status: ExecutionStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'canceled';
}

/** A unit that has not run. */
export function newUnit(): UnitState {
  return {
    status: 'pending',
    attempt: 0,
    attempt_base: 0,
    output: null,
    error: null,
    started_ms: null,
    first_started_at: null,
    finished_at: null,
    duration_ms: 0,
    not_before: null,
  };
}

/** A task that has not run. */
export function newTask(): TaskState {
  // Spelled out rather than spread from newUnit(): it is built once per task per execution.
  return {
    status: 'pending',
    attempt: 0,
    attempt_base: 0,
    output: null,
    error: null,
    started_ms: null,
    first_started_at: null,
    finished_at: null,
    duration_ms: 0,
    not_before: null,
    triggered: false,
    queued: false,
    handled_by: null,
    skip_reason: null,
    skip_requested: false,
    up_open: 0,
    up_success: 0,
    up_failed: 0,
    up_skipped: 0,
    items: null,
    item_values: null,
    items_running: 0,
    items_done: 0,
  };
}

/** The state before the first event: every task pending. */
export function initialState(plan: Plan, executionId: string, workflowId: string): ExecutionState {
  // A null prototype, as in the plan: task ids are data, whatever they are called.
  const tasks = Object.create(null) as Record<string, TaskState>;
  const order = plan.order;
  for (let index = 0; index < order.length; index += 1) tasks[order[index] as string] = newTask();
  const state: ExecutionState = {
    execution_id: executionId,
    workflow_id: workflowId,
    status: 'pending',
    input: {},
    output: null,
    error: null,
    started_at: null,
    started_ms: null,
    finished_at: null,
    last_seq: 0,
    tasks,
    ready: new WorkQueue(),
    to_skip: [],
    finishing: [],
    running: 0,
    waiting: [],
    signals: [],
    dormant_since: null,
    dormant_ms: 0,
    failures: [],
    canceling: false,
    cancel_requested_ms: null,
    paused_by: null,
    last_checkpoint_seq: 0,
    view: null,
  };
  return state;
}

/** The `${tasks.*}` view, built from the task states if no expression has needed it yet. */
export function viewOf(state: ExecutionState): Record<string, TaskView> {
  if (state.view === null) rebuildView(state);
  return state.view as Record<string, TaskView>;
}

/** Recreates the `${tasks.*}` view from task states (after a snapshot is loaded). */
export function rebuildView(state: ExecutionState): void {
  const view: Record<string, TaskView> = {};
  const tasks = state.tasks;
  // for-in, not Object.entries: no pair per task (a wide workflow has thousands).
  for (const id in tasks) {
    if (!hasOwn(tasks, id)) continue;
    const task = tasks[id] as TaskState;
    view[id] = { status: task.status, output: task.output, error: task.error };
  }
  state.view = view;
}

/**
 * A JSON-safe copy of the state without the derived view (checkpoint snapshots). The
 * durable-wait fields are left out while they hold nothing, so a checkpoint taken before
 * they existed still equals the fold of its history (validateCheckpoint).
 */
export function snapshotOf(state: ExecutionState): Partial<Omit<ExecutionState, 'view'>> {
  const { view: _view, waiting, signals, dormant_since, dormant_ms, ...rest } = state;
  const waits: Partial<ExecutionState> = {};
  if (waiting.length > 0) waits.waiting = waiting;
  if (signals.length > 0) waits.signals = signals;
  if (dormant_since !== null) waits.dormant_since = dormant_since;
  if (dormant_ms !== 0) waits.dormant_ms = dormant_ms;
  return JSON.parse(JSON.stringify({ ...rest, ...waits })) as Partial<Omit<ExecutionState, 'view'>>;
}
