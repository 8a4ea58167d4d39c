/**
 * Folds an execution's events into what a person reads per task: status, every attempt
 * with its times (for the timeline), input, output, error and a fan-out's items. Pure and
 * shared: the server folds a stored history into the task views of
 * `GET /executions/{id}/tasks`, and the console folds the live stream onto them, so both
 * fold the same way.
 *
 * Terminology: a view's *position* is the seq of the last event folded into it. The
 * console starts from the server's views (each page at its own position) and folds only
 * what comes after, so no event is missed or applied twice.
 */
import { errorOfEvent, itemIndexOf, operatorRequestOf, WORKFLOW_STATUS_AFTER } from './events.js';
import type { ExecutionEvent, ExecutionStatus, TaskError, TaskStatus } from './model.js';
import type { TaskProgressView } from './wire.js';

export interface AttemptView {
  attempt: number;
  started_at: string;
  finished_at: string | null;
  /** How the attempt ended; 'running' while it runs ('waiting' in a durable wait), 'retrying' when a retry was scheduled. */
  outcome: 'running' | 'waiting' | 'completed' | 'failed' | 'canceled' | 'retrying';
  error: TaskError | null;
}

export interface TaskView {
  id: string;
  status: TaskStatus;
  attempts: AttemptView[];
  /** Undefined when not known: not started, or a view read without it (the task list leaves it out). */
  input: unknown;
  output: unknown;
  error: TaskError | null;
  skip_reason: string | null;
  /** An operator asked to skip this pending task; it is skipped when its upstream is done. */
  skip_requested: boolean;
  /** A fan-out task's items (of its latest attempt). */
  items: ItemsView | null;
  /** Events of this task at or below this seq are in the view already (a page read at a later position than the fold's). */
  as_of: number;
}

/** How a fan-out item stands: its latest attempt's state, 'pending' before it starts. */
export type ItemOutcome = 'pending' | 'running' | 'completed' | 'failed' | 'retrying';

export interface ItemState {
  /** The latest attempt started (0: not started). A `core.workflow` item's child execution is named by it. */
  attempt: number;
  outcome: ItemOutcome;
  /** The seq of the event that set it: a page of items read at an earlier position gives way to it. */
  seq: number;
}

export interface ItemsView {
  total: number;
  completed: number;
  failed: number;
  /** The items this fold has seen an event of, by index; any other is pending or known from a page read. */
  known: Map<number, ItemState>;
}

/** What started an execution, when a trigger did (the `workflow_started` event's `data.trigger`). */
export interface StartedBy {
  /** `<workflow ref>/<trigger name>`. */
  id: string;
  scheduled_at: string | null;
  reason: string | null;
}

export interface ExecutionFold {
  status: ExecutionStatus | null;
  tasks: Map<string, TaskView>;
  last_seq: number;
  started_by: StartedBy | null;
}

export function emptyFold(): ExecutionFold {
  return { status: null, tasks: new Map(), last_seq: 0, started_by: null };
}

/** A task's view with nothing folded into it yet. */
export function emptyTaskView(id: string): TaskView {
  return { id, status: 'pending', attempts: [], input: undefined, output: undefined, error: null, skip_reason: null, skip_requested: false, items: null, as_of: 0 };
}

function taskOf(fold: ExecutionFold, id: string): TaskView {
  let task = fold.tasks.get(id);
  if (!task) {
    task = emptyTaskView(id);
    fold.tasks.set(id, task);
  }
  return task;
}

function closeAttempt(task: TaskView, at: string, outcome: AttemptView['outcome'], error: TaskError | null): void {
  const open = task.attempts.at(-1);
  if (open && open.finished_at === null) {
    open.finished_at = at;
    open.outcome = outcome;
    open.error = error;
  }
}


function startedByOf(event: ExecutionEvent): StartedBy | null {
  if (event.event_type !== 'workflow_started') return null;
  const trigger = event.data.trigger;
  if (trigger === undefined || typeof trigger.id !== 'string') return null;
  const { id, scheduled_at, reason } = trigger;
  return { id, scheduled_at: typeof scheduled_at === 'string' ? scheduled_at : null, reason: typeof reason === 'string' ? reason : null };
}

/**
 * Applies events in seq order to `fold` (mutated and returned); an event at or below
 * `last_seq` is ignored, so a replayed event after a reconnect changes nothing, and so is
 * an event of a task at or below that task's `as_of`.
 */
export function foldEvents(fold: ExecutionFold, events: readonly ExecutionEvent[]): ExecutionFold {
  for (const event of events) {
    if (event.seq <= fold.last_seq) continue;
    fold.last_seq = event.seq;
    const next = WORKFLOW_STATUS_AFTER[event.event_type];
    if (next !== undefined) fold.status = next;
    if (event.event_type === 'workflow_started') {
      fold.started_by = startedByOf(event);
      restoreTasks(fold, event);
    }
    if (next === 'failed' || next === 'canceled' || next === 'completed') {
      // attempts the end of the execution abandoned stop at its end on the timeline
      for (const task of fold.tasks.values()) if (event.seq > task.as_of) closeAttempt(task, event.timestamp, 'canceled', null);
    }
    if (event.event_type === 'workflow_resumed' && Array.isArray(event.data.reset)) {
      // a retry or rerun sends the listed tasks back to pending; their attempts stay on the timeline
      for (const id of event.data.reset) {
        const task = typeof id === 'string' ? fold.tasks.get(id) : undefined;
        if (task && event.seq > task.as_of) {
          task.status = 'pending';
          task.error = null;
          task.skip_requested = false;
          task.skip_reason = null;
        }
      }
    }
    if (event.task_id === undefined) continue;
    const task = taskOf(fold, event.task_id);
    if (event.seq <= task.as_of) continue;
    const itemIndex = itemIndexOf(event);
    if (itemIndex !== undefined && task.items) {
      foldItem(task.items, itemIndex, event);
      continue;
    }
    if (itemIndex !== undefined) continue;
    foldTaskEvent(task, event);
  }
  return fold;
}

/** A restored execution starts with the finished tasks of its checkpoint, as the engine's fold does. */
function restoreTasks(fold: ExecutionFold, event: ExecutionEvent): void {
  if (event.event_type !== 'workflow_started') return;
  const tasks = event.data.snapshot?.tasks;
  if (typeof tasks !== 'object' || tasks === null) return;
  for (const [id, saved] of Object.entries(tasks)) {
    if (saved.status !== 'completed' && saved.status !== 'skipped') continue;
    const task = taskOf(fold, id);
    if (event.seq <= task.as_of) continue;
    task.status = saved.status;
    task.output = saved.output ?? null;
    task.skip_reason = saved.status === 'skipped' ? (saved.skip_reason ?? null) : null;
  }
}

function foldTaskEvent(task: TaskView, event: ExecutionEvent): void {
  const error = errorOfEvent(event);
  switch (event.event_type) {
    case 'task_started':
      task.status = 'running';
      task.error = null;
      task.skip_requested = false;
      if (Array.isArray(event.data.items)) task.items = { total: event.data.items.length, completed: 0, failed: 0, known: new Map() };
      closeAttempt(task, event.timestamp, 'canceled', null);
      task.attempts.push({
        attempt: typeof event.data.attempt === 'number' ? event.data.attempt : task.attempts.length + 1,
        started_at: event.timestamp,
        finished_at: null,
        outcome: 'running',
        error: null,
      });
      if ('input' in event.data) task.input = event.data.input;
      break;
    case 'task_waiting':
      // a durable wait (signal, approval, sleep until): an attempt with no process
      task.status = 'waiting';
      task.error = null;
      closeAttempt(task, event.timestamp, 'canceled', null);
      task.attempts.push({ attempt: event.data.attempt, started_at: event.timestamp, finished_at: null, outcome: 'waiting', error: null });
      task.input = event.data.input;
      break;
    case 'task_completed':
      task.status = 'completed';
      task.output = event.data.output;
      task.error = null;
      closeAttempt(task, event.timestamp, 'completed', null);
      break;
    case 'task_failed':
      task.status = event.data.canceled === true ? 'canceled' : 'failed';
      task.error = error;
      closeAttempt(task, event.timestamp, event.data.canceled === true ? 'canceled' : 'failed', error);
      break;
    case 'retry_attempted':
      task.status = 'pending';
      task.error = error;
      closeAttempt(task, event.timestamp, 'retrying', error);
      break;
    case 'skip_requested':
    case 'error_occurred':
      if (operatorRequestOf(event) === 'skip_requested' && task.status === 'pending') task.skip_requested = true;
      break;
    case 'task_skipped':
      task.status = 'skipped';
      task.skip_requested = false;
      task.skip_reason = typeof event.data.reason === 'string' ? event.data.reason : 'upstream';
      break;
    default:
      break;
  }
}

function foldItem(items: ItemsView, index: number, event: ExecutionEvent): void {
  // an index outside the list (a malformed event) is ignored, not grown into a hole
  if (!Number.isInteger(index) || index < 0 || index >= items.total) return;
  if (event.event_type === 'task_completed') items.completed += 1;
  if (event.event_type === 'task_failed') items.failed += 1;
  const known = items.known.get(index);
  // a page of items read at a later position than this event has it already
  if (known !== undefined && event.seq <= known.seq) return;
  const attempt = known?.attempt ?? 0;
  const outcome = ITEM_OUTCOME[event.event_type];
  if (outcome === undefined) return;
  if (event.event_type === 'task_started') {
    items.known.set(index, { attempt: typeof event.data.attempt === 'number' ? event.data.attempt : attempt + 1, outcome, seq: event.seq });
  } else {
    items.known.set(index, { attempt, outcome, seq: event.seq });
  }
}

const ITEM_OUTCOME: Partial<Record<ExecutionEvent['event_type'], ItemOutcome>> = {
  task_started: 'running',
  task_completed: 'completed',
  task_failed: 'failed',
  retry_attempted: 'retrying',
};

/**
 * Takes in items read from a page at position `seq`: each replaces what the fold knows of
 * that item unless the fold has seen a later event of it.
 */
export function mergeItems(items: ItemsView, rows: ReadonlyArray<{ index: number; attempt: number; outcome: ItemOutcome }>, seq: number): void {
  for (const row of rows) {
    const known = items.known.get(row.index);
    if (known === undefined || known.seq < seq) items.known.set(row.index, { attempt: row.attempt, outcome: row.outcome, seq });
  }
}

/** An item as the fold knows it: its latest attempt and outcome (pending and 0 when it has seen none of its events). */
export function itemOf(items: ItemsView, index: number): ItemState {
  return items.known.get(index) ?? { attempt: 0, outcome: 'pending', seq: 0 };
}

/** A task's view as the API answers it: a copy, since the fold goes on changing after the answer is built. */
export function taskProgressView(task: TaskView): TaskProgressView {
  return {
    task_id: task.id,
    status: task.status,
    attempts: task.attempts.map((a) => ({ ...a })),
    error: task.error,
    skip_reason: task.skip_reason,
    skip_requested: task.skip_requested,
    items: task.items === null ? null : { total: task.items.total, completed: task.items.completed, failed: task.items.failed },
  };
}
