import type { EventType, ExecutionEvent, ExecutionRecord, ExecutionStatus, TaskError, TaskStatus } from '../core/model.js';
import { llmUsageOf, type LlmUsageMetrics } from '../llm/llm-usage.js';
import type { Plan } from './plan.js';
import type { ExecutionState } from './state.js';

export interface TaskStatusReport {
  status: TaskStatus;
  attempts: number;
  duration_ms: number;
  error: TaskError | null;
  started_at: string | null;
  finished_at: string | null;
  skip_reason?: string;
  handled_by?: string;
  items?: { total: number; completed: number; failed: number; running: number };
}

/** An execution's status and each task's. */
export interface ExecutionStatusReport {
  execution_id: string;
  workflow_ref: string;
  status: ExecutionStatus;
  canceling: boolean;
  started_at: string | null;
  finished_at: string | null;
  last_seq: number;
  task_statuses: Record<string, TaskStatusReport>;
}

export interface ExecutionSummary {
  execution_id: string;
  workflow_ref: string;
  workflow_version: number;
  status: ExecutionStatus;
  duration_ms: number | null;
  tasks: Record<TaskStatus, number> & { total: number };
  attempts: number;
  failed_tasks: string[];
  output: Record<string, unknown> | null;
  error: TaskError | null;
}

export interface ExecutionMetrics {
  execution_id: string;
  event_count: number;
  events_by_type: Partial<Record<EventType, number>>;
  duration_ms: number | null;
  /** Time tasks spent running, summed over attempts and items. */
  task_time_ms: number;
  /** task_time_ms / duration_ms: how many tasks ran at once on average. */
  parallelism: number | null;
  attempts: number;
  retries: number;
  slowest_task: { task_id: string; duration_ms: number } | null;
  /** Tokens and requests of the core.llm tasks (zeros when there are none, or the plan was not given). */
  llm: LlmUsageMetrics;
}

function durationOf(state: ExecutionState, now: number): number | null {
  if (state.started_ms === null) return null;
  const end = state.finished_at === null ? now : Date.parse(state.finished_at);
  return Math.max(0, end - state.started_ms);
}

/** Task statuses as getStatus reports them. */
export function statusReport(plan: Plan, state: ExecutionState, record: ExecutionRecord): ExecutionStatusReport {
  // a null prototype: a task may be called `__proto__`
  const task_statuses = Object.create(null) as Record<string, TaskStatusReport>;
  for (const id of plan.order) {
    const task = state.tasks[id];
    if (!task) continue;
    const report: TaskStatusReport = {
      status: task.status,
      attempts: task.items ? Math.max(0, ...task.items.map((unit) => unit.attempt)) : task.attempt,
      duration_ms: task.items ? task.items.reduce((sum, unit) => sum + unit.duration_ms, 0) : task.duration_ms,
      error: task.error,
      started_at: task.first_started_at,
      finished_at: task.finished_at,
    };
    if (task.skip_reason !== null) report.skip_reason = task.skip_reason;
    if (task.handled_by !== null) report.handled_by = task.handled_by;
    if (task.items) {
      report.items = {
        total: task.items.length,
        completed: task.items.filter((unit) => unit.status === 'completed').length,
        failed: task.items.filter((unit) => unit.status === 'failed').length,
        running: task.items_running,
      };
    }
    task_statuses[id] = report;
  }
  return {
    execution_id: record.id,
    workflow_ref: record.workflow_ref,
    status: state.status,
    canceling: state.canceling,
    started_at: state.started_at,
    finished_at: state.finished_at,
    last_seq: state.last_seq,
    task_statuses,
  };
}

/** Counts and outcome of an execution. */
export function summaryOf(plan: Plan, state: ExecutionState, record: ExecutionRecord, now: number): ExecutionSummary {
  const tasks = { total: 0, pending: 0, running: 0, waiting: 0, completed: 0, failed: 0, skipped: 0, canceled: 0 };
  let attempts = 0;
  for (const id of plan.order) {
    const task = state.tasks[id];
    if (!task) continue;
    tasks.total += 1;
    tasks[task.status] += 1;
    attempts += task.items ? task.items.reduce((sum, unit) => sum + unit.attempt, 0) : task.attempt;
  }
  return {
    execution_id: record.id,
    workflow_ref: record.workflow_ref,
    workflow_version: record.workflow_version,
    status: state.status,
    duration_ms: durationOf(state, now),
    tasks,
    attempts,
    failed_tasks: plan.order.filter((id) => state.tasks[id]?.status === 'failed'),
    output: state.output,
    error: state.error,
  };
}

/** Figures from the history: event counts, task time, retries, the slowest task. */
export function metricsOf(state: ExecutionState, events: readonly ExecutionEvent[], now: number, plan?: Plan): ExecutionMetrics {
  const events_by_type: Partial<Record<EventType, number>> = {};
  for (const event of events) events_by_type[event.event_type] = (events_by_type[event.event_type] ?? 0) + 1;
  let taskTime = 0;
  let slowest: { task_id: string; duration_ms: number } | null = null;
  for (const [id, task] of Object.entries(state.tasks)) {
    const time = task.items ? task.items.reduce((sum, unit) => sum + unit.duration_ms, 0) : task.duration_ms;
    taskTime += time;
    if (time > 0 && (slowest === null || time > slowest.duration_ms)) slowest = { task_id: id, duration_ms: time };
  }
  const duration = durationOf(state, now);
  const starts = events.filter((event) => event.event_type === 'task_started' && !Array.isArray(event.data.items)).length;
  return {
    execution_id: state.execution_id,
    event_count: events.length,
    events_by_type,
    duration_ms: duration,
    task_time_ms: taskTime,
    parallelism: duration ? Math.round((taskTime / duration) * 100) / 100 : null,
    attempts: starts,
    retries: events_by_type.retry_attempted ?? 0,
    slowest_task: slowest,
    llm: llmUsageOf(events, (id) => plan?.tasks[id]?.action),
  };
}
