/**
 * Folds an execution's events into what the console shows per task: status, every
 * attempt with its times (for the timeline), input, output and error. Pure, so a live
 * stream and a history page fold the same way, and it is unit-tested without a browser.
 */
import { errorOfEvent, itemIndexOf, operatorRequestOf } from '../../../src/core/events.js';
import type { ExecutionEvent, ExecutionStatus, TaskError, TaskStatus } from '../../../src/core/model.js';

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
  input: unknown;
  output: unknown;
  error: TaskError | null;
  skip_reason: string | null;
  /** An operator asked to skip this pending task; it is skipped when its upstream is done. */
  skip_requested: boolean;
  /** A fan-out task's items (of its latest attempt). */
  items: ItemsView | null;
}

/** How a fan-out item stands: its latest attempt's state, 'pending' before it starts. */
export type ItemOutcome = 'pending' | 'running' | 'completed' | 'failed' | 'retrying';

export interface ItemsView {
  total: number;
  completed: number;
  failed: number;
  /**
   * Per item, the latest attempt started (0: not started). A `core.workflow` item's
   * child execution is named by it, so the panel links each item's child.
   */
  attempts: number[];
  outcomes: ItemOutcome[];
}

export interface ExecutionFold {
  status: ExecutionStatus | null;
  tasks: Map<string, TaskView>;
  last_seq: number;
}

export function emptyFold(): ExecutionFold {
  return { status: null, tasks: new Map(), last_seq: 0 };
}

function taskOf(fold: ExecutionFold, id: string): TaskView {
  let task = fold.tasks.get(id);
  if (!task) {
    task = { id, status: 'pending', attempts: [], input: undefined, output: undefined, error: null, skip_reason: null, skip_requested: false, items: null };
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

const WORKFLOW_STATUS: Partial<Record<ExecutionEvent['event_type'], ExecutionStatus>> = {
  workflow_started: 'running',
  workflow_resumed: 'running',
  workflow_paused: 'paused',
  workflow_completed: 'completed',
  workflow_failed: 'failed',
  workflow_canceled: 'canceled',
};

/**
 * Applies events in seq order to `fold` (mutated and returned); an event at or below
 * `last_seq` is ignored, so a replayed event after a reconnect changes nothing.
 */
export function foldEvents(fold: ExecutionFold, events: readonly ExecutionEvent[]): ExecutionFold {
  for (const event of events) {
    if (event.seq <= fold.last_seq) continue;
    fold.last_seq = event.seq;
    const next = WORKFLOW_STATUS[event.event_type];
    if (next !== undefined) fold.status = next;
    if (next === 'failed' || next === 'canceled' || next === 'completed') {
      // attempts the end of the execution abandoned stop at its end on the timeline
      for (const task of fold.tasks.values()) closeAttempt(task, event.timestamp, 'canceled', null);
    }
    if (event.event_type === 'workflow_resumed' && Array.isArray(event.data.reset)) {
      // a retry or rerun sends the listed tasks back to pending; their attempts stay on the timeline
      for (const id of event.data.reset) {
        const task = typeof id === 'string' ? fold.tasks.get(id) : undefined;
        if (task) {
          task.status = 'pending';
          task.error = null;
          task.skip_requested = false;
          task.skip_reason = null;
        }
      }
    }
    if (event.task_id === undefined) continue;
    const task = taskOf(fold, event.task_id);
    const itemIndex = itemIndexOf(event);
    if (itemIndex !== undefined && task.items) {
      foldItem(task.items, itemIndex, event);
      continue;
    }
    if (itemIndex !== undefined) continue;
    const error = errorOfEvent(event);
    switch (event.event_type) {
      case 'task_started':
        task.status = 'running';
        task.error = null;
        task.skip_requested = false;
        if (Array.isArray(event.data.items)) {
          const total = event.data.items.length;
          task.items = { total, completed: 0, failed: 0, attempts: new Array<number>(total).fill(0), outcomes: new Array<ItemOutcome>(total).fill('pending') };
        }
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
        task.attempts.push({
          attempt: event.data.attempt,
          started_at: event.timestamp,
          finished_at: null,
          outcome: 'waiting',
          error: null,
        });
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
  return fold;
}

function foldItem(items: ItemsView, index: number, event: ExecutionEvent): void {
  // an index outside the list (a malformed event) is ignored, not grown into a hole
  if (!Number.isInteger(index) || index < 0 || index >= items.total) return;
  switch (event.event_type) {
    case 'task_started':
      items.attempts[index] = typeof event.data.attempt === 'number' ? event.data.attempt : (items.attempts[index] ?? 0) + 1;
      items.outcomes[index] = 'running';
      break;
    case 'task_completed':
      items.completed += 1;
      items.outcomes[index] = 'completed';
      break;
    case 'task_failed':
      items.failed += 1;
      items.outcomes[index] = 'failed';
      break;
    case 'retry_attempted':
      items.outcomes[index] = 'retrying';
      break;
    default:
      break;
  }
}
