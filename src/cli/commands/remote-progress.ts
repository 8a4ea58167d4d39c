/**
 * The model behind `harmonia execution watch`: task states folded from the
 * execution's events, rendered as one progress bar per task (redrawn in place on a
 * terminal) or described one line per event (logs, CI). Pure: no I/O, no clock.
 */
import { attemptOfEvent, errorOfEvent, itemIndexOf, WORKFLOW_STATUS_AFTER } from '../../core/events.js';
import type { TaskError } from '../../core/task-errors.js';
import type { ExecutionEvent, ExecutionStatus, TaskStatus } from '../../core/model.js';
import type { ExecutionDetail, TaskStatusView } from '../../core/wire.js';
import { stripAnsi, type Colors } from '../output/colors.js';
import { formatDuration } from './remote-client.js';

export interface ItemProgress {
  total: number;
  completed: number;
  failed: number;
}

export interface TaskProgress {
  id: string;
  status: TaskStatus;
  attempt: number;
  /** Set for `with_items` tasks. */
  items: ItemProgress | null;
  started_at: string | null;
  duration_ms: number | null;
  error: string | null;
  /** A retry is scheduled: the task waits for its next attempt. */
  retrying: boolean;
}

export interface WatchModel {
  execution_id: string;
  workflow_ref: string;
  status: ExecutionStatus;
  last_seq: number;
  /** In the workflow's task order; tasks first seen in events are appended. */
  tasks: TaskProgress[];
}

/** The model as of an execution's current detail. */
export function createWatchModel(detail: ExecutionDetail): WatchModel {
  const tasks = Object.entries(detail.task_statuses).map(([id, view]) => fromView(id, view));
  return { execution_id: detail.execution_id, workflow_ref: detail.workflow_ref, status: detail.status, last_seq: detail.last_seq, tasks };
}

function fromView(id: string, view: TaskStatusView): TaskProgress {
  return {
    id,
    status: view.status,
    attempt: view.attempts,
    items: view.items ? { total: view.items.total, completed: view.items.completed, failed: view.items.failed } : null,
    started_at: view.started_at,
    duration_ms: view.started_at === null ? null : view.duration_ms,
    error: view.error?.message ?? null,
    retrying: false,
  };
}


/** Folds one event into the model (events at or below `last_seq` are ignored). */
export function applyEvent(model: WatchModel, event: ExecutionEvent): void {
  if (event.seq <= model.last_seq) return;
  model.last_seq = event.seq;
  const workflowStatus = WORKFLOW_STATUS_AFTER[event.event_type];
  if (workflowStatus) model.status = workflowStatus;
  if (event.task_id === undefined) return;
  const task = taskOf(model, event.task_id);
  const item = itemIndexOf(event) !== undefined;
  switch (event.event_type) {
    case 'task_started':
      task.status = 'running';
      task.retrying = false;
      task.attempt = event.data.attempt;
      if (event.data.items) task.items = { total: event.data.items.length, completed: 0, failed: 0 };
      if (!item && task.started_at === null) task.started_at = event.timestamp;
      break;
    case 'task_waiting':
      task.status = 'waiting';
      task.attempt = event.data.attempt;
      if (task.started_at === null) task.started_at = event.timestamp;
      break;
    case 'task_completed':
      if (item && task.items) task.items.completed += 1;
      else finish(task, 'completed', event.timestamp);
      break;
    case 'task_failed':
      if (item && task.items) task.items.failed += 1;
      else {
        finish(task, event.data.canceled === true ? 'canceled' : 'failed', event.timestamp);
        task.error = errorMessage(event.data.error);
      }
      break;
    case 'task_skipped':
      task.status = 'skipped';
      break;
    case 'retry_attempted':
      task.retrying = true;
      task.error = errorMessage(event.data.error);
      break;
    default:
      break;
  }
}

function taskOf(model: WatchModel, id: string): TaskProgress {
  let task = model.tasks.find((t) => t.id === id);
  if (!task) {
    task = { id, status: 'pending', attempt: 0, items: null, started_at: null, duration_ms: null, error: null, retrying: false };
    model.tasks.push(task);
  }
  return task;
}

function finish(task: TaskProgress, status: TaskStatus, at: string): void {
  task.status = status;
  task.retrying = false;
  if (task.started_at !== null) task.duration_ms = Math.max(0, Date.parse(at) - Date.parse(task.started_at));
}

function errorMessage(error: TaskError | null): string | null {
  if (error === null) return null;
  return [error.type, error.message].filter((part) => typeof part === 'string').join(': ') || null;
}

const DONE: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'skipped', 'canceled']);
const BAR_WIDTH = 20;

/** The fraction of a task that is done (0..1), or null when it is running with no measure. */
export function taskFraction(task: TaskProgress): number | null {
  if (DONE.has(task.status)) return 1;
  if (task.items && task.items.total > 0) return (task.items.completed + task.items.failed) / task.items.total;
  return task.status === 'pending' ? 0 : null;
}

/** The whole picture: a header line and one bar per task. */
export function renderWatch(model: WatchModel, c: Colors, terminal: { rows?: number; columns?: number } = {}): string[] {
  const done = model.tasks.filter((t) => DONE.has(t.status)).length;
  const header = `${c.bold(model.workflow_ref)}  ${c.dim(model.execution_id)}  ${statusColor(model.status, c)}  ${done}/${model.tasks.length} tasks`;
  // the last row stays free: a drawing as tall as the terminal scrolls it, and the next
  // redraw's move up would land below its top
  const room = terminal.rows !== undefined && terminal.rows > 3 ? terminal.rows - 1 : Number.POSITIVE_INFINITY;
  let shown = model.tasks;
  let rest: string | null = null;
  if (1 + model.tasks.length > room) {
    shown = [...model.tasks].sort((a, b) => watchRank(a) - watchRank(b)).slice(0, room - 2);
    const hidden = new Map<string, number>();
    const kept = new Set(shown);
    for (const task of model.tasks) if (!kept.has(task)) hidden.set(task.status, (hidden.get(task.status) ?? 0) + 1);
    const counts = [...hidden.entries()].sort((a, b) => b[1] - a[1]).map(([status, n]) => `${n} ${status}`);
    rest = `  … ${model.tasks.length - shown.length} more tasks: ${counts.join(', ')}`;
  }
  const nameWidth = Math.max(4, ...shown.map((t) => [...t.id].length));
  const lines = [header, ...shown.map((task) => renderTask(task, nameWidth, c)), ...(rest === null ? [] : [rest])];
  const columns = terminal.columns;
  return columns === undefined || columns < 20 ? lines : lines.map((line) => fitLine(line, columns));
}

/** Which tasks a drawing too tall for the terminal keeps: those under way, then failures, then the next to run, then the finished. */
function watchRank(task: TaskProgress): number {
  if (task.status === 'running' || task.status === 'waiting' || task.retrying) return 0;
  if (task.status === 'failed') return 1;
  if (task.status === 'pending') return 2;
  return 3;
}

/** A line in `columns` cells: a wider one wraps, and a redraw would move up over fewer lines than it drew. */
function fitLine(line: string, columns: number): string {
  const plain = stripAnsi(line);
  if ([...plain].length <= columns) return line;
  return [...plain].slice(0, columns - 1).join('') + '…';
}

function renderTask(task: TaskProgress, nameWidth: number, c: Colors): string {
  const fraction = taskFraction(task);
  const filled = fraction === null ? 0 : Math.round(fraction * BAR_WIDTH);
  const bar =
    fraction === null
      ? c.cyan('~'.repeat(BAR_WIDTH))
      : barColor(task.status, c)('#'.repeat(filled)) + c.dim('-'.repeat(BAR_WIDTH - filled));
  const percent = fraction === null ? '    ' : `${String(Math.round(fraction * 100)).padStart(3)}%`;
  const state = task.retrying ? 'retrying' : task.status;
  const extras = [
    task.items ? `${task.items.completed}/${task.items.total} items${task.items.failed > 0 ? `, ${task.items.failed} failed` : ''}` : '',
    task.attempt > 1 && !task.retrying ? `attempt ${task.attempt}` : '',
    task.duration_ms !== null && DONE.has(task.status) ? formatDuration(task.duration_ms) : '',
    task.error !== null && (task.status === 'failed' || task.retrying) ? c.red(task.error) : '',
  ].filter((part) => part !== '');
  return `  ${task.id.padEnd(nameWidth)}  [${bar}] ${percent}  ${taskStatusColor(state, task.status, c)}${extras.length ? `  ${extras.join('  ')}` : ''}`;
}

/** One plain line per event, for logs and pipes. */
export function describeEvent(event: ExecutionEvent): string {
  const time = event.timestamp.slice(11, 23) || event.timestamp;
  const attemptNo = attemptOfEvent(event);
  const itemNo = itemIndexOf(event);
  const attempt = attemptNo !== undefined ? ` (attempt ${attemptNo})` : '';
  const item = itemNo !== undefined ? ` item ${itemNo}` : '';
  const subject = event.task_id !== undefined ? `task ${event.task_id}${item}` : 'workflow';
  const verb = event.event_type.replace(/^(task|workflow)_/, '').replace(/_/g, ' ');
  const error = errorMessage(errorOfEvent(event));
  const detail =
    event.event_type === 'task_skipped'
      ? ` (${event.data.reason})`
      : event.event_type === 'retry_attempted'
        ? ` in ${formatDuration(event.data.delay_ms)}${error ? `: ${error}` : ''}`
        : error
          ? `: ${error}`
          : '';
  return `${time}  #${event.seq}  ${subject} ${verb}${attempt}${detail}`;
}

function statusColor(status: ExecutionStatus, c: Colors): string {
  if (status === 'completed') return c.green(status);
  if (status === 'failed' || status === 'canceled') return c.red(status);
  if (status === 'paused') return c.yellow(status);
  return c.cyan(status);
}

function taskStatusColor(text: string, status: TaskStatus, c: Colors): string {
  if (status === 'completed') return c.green(text);
  if (status === 'failed' || status === 'canceled') return c.red(text);
  if (status === 'skipped') return c.dim(text);
  if (status === 'running') return c.cyan(text);
  return text;
}

function barColor(status: TaskStatus, c: Colors): (text: string) => string {
  if (status === 'failed' || status === 'canceled') return c.red;
  if (status === 'skipped') return c.dim;
  return c.green;
}
