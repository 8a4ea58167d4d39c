/**
 * The execution event log's vocabulary: one payload type per event type.
 *
 * Terminology: an execution's history is a list of events; each has an `event_type` and a
 * `data` payload whose shape the type fixes. The engine writes them (src/engine/commands.ts),
 * fold reads them back (src/engine/fold.ts), and the summary, the CLI, the client SDK and the
 * OpenAPI document (src/server/schemas/event-schemas.ts) all use the same union, so a payload
 * is never read back with a cast.
 *
 * Histories are never migrated. Before `cancel_requested` and `skip_requested` existed, an
 * operator's cancel and skip were recorded as `error_occurred` with `data.kind` naming which;
 * readers accept that form (see LegacyErrorOccurredData) and the engine no longer writes it.
 */
import type { ExecutionStatus } from './model.js';
import type { TaskError } from './task-errors.js';
import type { WaitSpec } from './wait-wire.js';

/** Every event type, in the order of an execution's life. */
export const EVENT_TYPES = [
  'workflow_started',
  'workflow_completed',
  'workflow_failed',
  'workflow_canceled',
  'workflow_paused',
  'workflow_resumed',
  'task_started',
  'task_completed',
  'task_failed',
  'task_skipped',
  'task_waiting',
  'signal_received',
  'approval_decided',
  'checkpoint_created',
  'retry_attempted',
  'cancel_requested',
  'skip_requested',
  'error_occurred',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Event types the engine writes today (`error_occurred` is only read, from old histories). */
export type WrittenEventType = Exclude<EventType, 'error_occurred'>;

/** Why a task was skipped. */
export type SkipReason = 'condition' | 'upstream' | 'manual' | 'not_triggered' | 'unreachable';

/** What started an execution, when a trigger did. */
export interface TriggerOrigin {
  id: string;
  scheduled_at: string;
  reason: string;
}

/** A finished task carried into a restored execution from a checkpoint. */
export interface RestoredTask {
  status: 'completed' | 'skipped';
  output?: unknown;
  attempt?: number;
  skip_reason?: string | null;
  duration_ms?: number;
}

export interface WorkflowStartedData {
  workflow_ref: string;
  workflow_version: number;
  input: Record<string, unknown>;
  parent_execution_id: string | null;
  parent_task_id: string | null;
  /** Pinned pack action versions: action ref → version id. */
  action_versions?: Record<string, string>;
  trigger?: TriggerOrigin;
  /** The sha256 of the request an Idempotency-Key started it with: a retry with another request is refused. */
  request_fingerprint?: string;
  /** Set when the execution was restored from a checkpoint. */
  restored_from?: { execution_id: string; checkpoint_id: string; seq: number };
  /** The finished tasks a restored execution starts from. */
  snapshot?: { tasks: Record<string, RestoredTask> };
}

export interface WorkflowCompletedData {
  output: Record<string, unknown>;
}

export interface WorkflowFailedData {
  error: TaskError;
  /** The task whose failure failed the execution, when one did. */
  task_id?: string;
}

export interface WorkflowCanceledData {
  /** True when the execution was terminated (its tasks killed without a grace period). */
  terminated: boolean;
}

export interface WorkflowPausedData {
  /**
   * The parent execution whose pause was passed on to this sub-workflow; absent when an
   * operator paused it. A parent's resume undoes only the pauses that name it.
   */
  by_parent?: string;
}

export interface WorkflowResumedData {
  mode: 'resume' | 'retry' | 'rerun';
  /** Tasks set back to pending (retry, rerun). */
  reset?: string[];
  /** The task a rerun starts from. */
  from?: string;
}

/** A unit (a task, or one item of a fan-out) started, or a fan-out expanded into `items`. */
export interface TaskStartedData {
  attempt: number;
  /** The rendered input of a unit; absent on a fan-out's own start. */
  input?: Record<string, unknown>;
  /** The fan-out item this unit runs. */
  item_index?: number;
  /** A fan-out's items; each becomes a unit with its `item_index`. */
  items?: unknown[];
}

export interface TaskCompletedData {
  attempt: number;
  output: unknown;
  item_index?: number;
  /** A fan-out that went on past failed items: their indexes. */
  failed_items?: number[];
  /** A core.signal wait: the signal_received event (its seq) and name it took. */
  signal_seq?: number;
  signal?: string;
}

export interface TaskFailedData {
  attempt: number;
  error: TaskError;
  item_index?: number;
  /** The error handler task the failure was handed to. */
  handled_by?: string;
  /** True when the unit was canceled rather than failed. */
  canceled?: boolean;
}

export interface TaskSkippedData {
  reason: SkipReason;
}

/** A durable wait began (core.sleep, core.signal, core.approval): no process runs. */
export interface TaskWaitingData {
  attempt: number;
  input: Record<string, unknown>;
  wait: WaitSpec;
}

/** A signal sent to the execution; the waiting task of that name that waited longest takes it. */
export interface SignalReceivedData {
  name: string;
  payload: Record<string, unknown>;
  /** The token that sent it, when the server has tokens. */
  sent_by: string | null;
}

/** An approver's decision on a waiting core.approval task. */
export interface ApprovalDecidedData {
  attempt: number;
  decision: 'approve' | 'reject';
  by: string;
  comment: string | null;
  decided_at: string;
}

export interface CheckpointCreatedData {
  checkpoint_id: string;
}

export interface RetryAttemptedData {
  /** The attempt that will run next. */
  attempt: number;
  delay_ms: number;
  /** When the next attempt is due, in ms since the epoch. */
  at_ms: number;
  error: TaskError;
  item_index?: number;
  /** True when the attempt was interrupted by the engine's own death (no retry budget spent). */
  interrupted?: boolean;
}

/** An operator asked to cancel; running tasks get `grace_ms` to stop. */
export interface CancelRequestedData {
  grace_ms: number;
  deadline_ms: number;
}

/** An operator asked to skip a task that was not ready yet; applied when it would run. */
export type SkipRequestedData = Record<string, never>;

/** The form older histories recorded cancel and skip requests in. Read, never written. */
export type LegacyErrorOccurredData =
  | ({ kind: 'cancel_requested' } & CancelRequestedData)
  | { kind: 'skip_requested' };

/** The payload of each event type. */
export interface EventPayloads {
  workflow_started: WorkflowStartedData;
  workflow_completed: WorkflowCompletedData;
  workflow_failed: WorkflowFailedData;
  workflow_canceled: WorkflowCanceledData;
  workflow_paused: WorkflowPausedData;
  workflow_resumed: WorkflowResumedData;
  task_started: TaskStartedData;
  task_completed: TaskCompletedData;
  task_failed: TaskFailedData;
  task_skipped: TaskSkippedData;
  task_waiting: TaskWaitingData;
  signal_received: SignalReceivedData;
  approval_decided: ApprovalDecidedData;
  checkpoint_created: CheckpointCreatedData;
  retry_attempted: RetryAttemptedData;
  cancel_requested: CancelRequestedData;
  skip_requested: SkipRequestedData;
  error_occurred: LegacyErrorOccurredData;
}

/** Fields every event has, whatever its type. */
export interface EventEnvelope {
  execution_id: string;
  workflow_id: string;
  /** Set on task events (and on skip_requested). */
  task_id?: string;
  timestamp: string;
  /** 1, 2, ... per execution; only grows, never reused. */
  seq: number;
  /**
   * The store's global position of the event, across executions: grows in commit order,
   * never reused (gaps possible). Set on events of the all-events streams, whose resume
   * cursor it is; absent elsewhere.
   */
  position?: number;
}

/** One event of a given type. */
export type EventOf<K extends EventType> = EventEnvelope & { event_type: K; data: EventPayloads[K] };

/** One entry of an execution's append-only history: a union discriminated by `event_type`. */
export type ExecutionEvent = { [K in EventType]: EventOf<K> }[EventType];

/** An event before the runner numbers and stamps it: type, task and payload. */
export type EventDraft = {
  [K in WrittenEventType]: { event_type: K; task_id?: string; data: EventPayloads[K] };
}[WrittenEventType];

/** True for an event of type `type`, narrowing its payload. */
export function isEventOf<K extends EventType>(event: ExecutionEvent, type: K): event is Extract<ExecutionEvent, { event_type: K }> {
  return event.event_type === type;
}

/** True when `name` is an event type. */
export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}

/**
 * The operator request an event records, in either form (the typed events, or the
 * `error_occurred` of older histories); null for any other event.
 */
export function operatorRequestOf(event: ExecutionEvent): 'cancel_requested' | 'skip_requested' | null {
  if (event.event_type === 'cancel_requested' || event.event_type === 'skip_requested') return event.event_type;
  if (event.event_type === 'error_occurred') return event.data.kind;
  return null;
}

/** The task error an event carries (task_failed, retry_attempted, workflow_failed), or null. */
export function errorOfEvent(event: ExecutionEvent): TaskError | null {
  switch (event.event_type) {
    case 'task_failed':
    case 'retry_attempted':
    case 'workflow_failed':
      return event.data.error;
    default:
      return null;
  }
}

/** The fan-out item a task event concerns, when it concerns one item. */
export function itemIndexOf(event: ExecutionEvent): number | undefined {
  switch (event.event_type) {
    case 'task_started':
    case 'task_completed':
    case 'task_failed':
    case 'retry_attempted':
      return event.data.item_index;
    default:
      return undefined;
  }
}

/** The attempt a task event records, when it records one. */
export function attemptOfEvent(event: ExecutionEvent): number | undefined {
  switch (event.event_type) {
    case 'task_started':
    case 'task_completed':
    case 'task_failed':
    case 'retry_attempted':
      return event.data.attempt;
    default:
      return undefined;
  }
}

/** The status each workflow-level event leaves an execution in (the folds of the CLI's watch, the server's task views and the console). */
export const WORKFLOW_STATUS_AFTER: Readonly<Partial<Record<string, ExecutionStatus>>> = {
  workflow_started: 'running',
  workflow_resumed: 'running',
  workflow_paused: 'paused',
  workflow_completed: 'completed',
  workflow_failed: 'failed',
  workflow_canceled: 'canceled',
};
