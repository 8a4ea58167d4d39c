/**
 * What the scheduler decides. Each command but AbortUnit becomes exactly one event;
 * the runner persists a step's events in one transaction, then acts on its commands.
 */
import type { EventDraft, RetryAttemptedData, SkipReason, TaskCompletedData, TaskFailedData, TaskStartedData, WorkflowFailedData, WorkflowResumedData, WorkflowStartedData } from '../core/events.js';
import type { TaskError } from '../core/model.js';
import type { WaitSpec } from '../core/wait-wire.js';

export type { EventDraft } from '../core/events.js';

export type Command =
  | { kind: 'StartWorkflow'; data: WorkflowStartedData }
  | {
      kind: 'StartTask';
      task_id: string;
      attempt: number;
      item_index?: number;
      input: Record<string, unknown>;
      /** The task's own `timeout_ms`; absent, the action's own, then the engine default, apply. */
      timeout_ms?: number;
    }
  /** A durable wait begins (core.sleep until/duration, core.signal, core.approval): no handler runs. */
  | { kind: 'StartWait'; task_id: string; attempt: number; input: Record<string, unknown>; wait: WaitSpec }
  | { kind: 'RecordSignal'; name: string; payload: Record<string, unknown>; sent_by: string | null }
  | { kind: 'RecordDecision'; task_id: string; attempt: number; decision: 'approve' | 'reject'; by: string; comment: string | null }
  | { kind: 'StartFanOut'; task_id: string; items: unknown[] }
  | { kind: 'CompleteTask'; task_id: string; item_index?: number; attempt: number; output: unknown; failed_items?: number[]; signal?: { seq: number; name: string } }
  | {
      kind: 'FailTask';
      task_id: string;
      item_index?: number;
      attempt: number;
      error: TaskError;
      handled_by?: string;
      canceled?: boolean;
    }
  | {
      kind: 'ScheduleRetry';
      task_id: string;
      item_index?: number;
      attempt: number;
      at_ms: number;
      delay_ms: number;
      error: TaskError;
      interrupted?: boolean;
    }
  | { kind: 'SkipTask'; task_id: string; reason: SkipReason }
  | { kind: 'CompleteWorkflow'; output: Record<string, unknown> }
  | { kind: 'FailWorkflow'; error: TaskError; task_id?: string }
  | { kind: 'CancelWorkflow'; terminated: boolean }
  | { kind: 'PauseWorkflow'; by_parent?: string }
  | { kind: 'ResumeWorkflow'; mode: 'resume' | 'retry' | 'rerun'; reset?: string[]; from?: string }
  | { kind: 'RequestCancel'; grace_ms: number }
  /** An operator's skip of a task not yet ready: recorded now, applied when its upstream is done. */
  | { kind: 'RequestSkip'; task_id: string }
  | { kind: 'CreateCheckpoint'; checkpoint_id: string }
  | { kind: 'AbortUnit'; task_id: string; item_index?: number; reason: string };

function withItem<T extends { item_index?: number }>(data: T, item: number | undefined): T {
  if (item !== undefined) data.item_index = item;
  return data;
}

/** The event a command records, or null for effect-only commands. */
export function eventOf(command: Command, at: number): EventDraft | null {
  switch (command.kind) {
    case 'StartWorkflow':
      return { event_type: 'workflow_started', data: command.data };
    case 'StartTask':
      return {
        event_type: 'task_started',
        task_id: command.task_id,
        data: withItem<TaskStartedData>({ attempt: command.attempt, input: command.input }, command.item_index),
      };
    case 'StartWait':
      return { event_type: 'task_waiting', task_id: command.task_id, data: { attempt: command.attempt, input: command.input, wait: command.wait } };
    case 'RecordSignal':
      return { event_type: 'signal_received', data: { name: command.name, payload: command.payload, sent_by: command.sent_by } };
    case 'RecordDecision':
      return {
        event_type: 'approval_decided',
        task_id: command.task_id,
        data: { attempt: command.attempt, decision: command.decision, by: command.by, comment: command.comment, decided_at: new Date(at).toISOString() },
      };
    case 'StartFanOut':
      return { event_type: 'task_started', task_id: command.task_id, data: { attempt: 1, items: command.items } };
    case 'CompleteTask': {
      // Assigned, not spread: spreading the (mostly empty) optional parts cost more than the rest of the event.
      const data: TaskCompletedData = { attempt: command.attempt, output: command.output };
      if (command.failed_items) data.failed_items = command.failed_items;
      if (command.signal) {
        data.signal_seq = command.signal.seq;
        data.signal = command.signal.name;
      }
      return { event_type: 'task_completed', task_id: command.task_id, data: withItem(data, command.item_index) };
    }
    case 'FailTask': {
      const data: TaskFailedData = { attempt: command.attempt, error: command.error };
      if (command.handled_by !== undefined) data.handled_by = command.handled_by;
      if (command.canceled) data.canceled = true;
      return { event_type: 'task_failed', task_id: command.task_id, data: withItem(data, command.item_index) };
    }
    case 'ScheduleRetry': {
      const data: RetryAttemptedData = {
        attempt: command.attempt,
        delay_ms: command.delay_ms,
        at_ms: command.at_ms,
        error: command.error,
      };
      if (command.interrupted) data.interrupted = true;
      return { event_type: 'retry_attempted', task_id: command.task_id, data: withItem(data, command.item_index) };
    }
    case 'SkipTask':
      return { event_type: 'task_skipped', task_id: command.task_id, data: { reason: command.reason } };
    case 'CompleteWorkflow':
      return { event_type: 'workflow_completed', data: { output: command.output } };
    case 'FailWorkflow': {
      const data: WorkflowFailedData = { error: command.error };
      if (command.task_id !== undefined) data.task_id = command.task_id;
      return { event_type: 'workflow_failed', data };
    }
    case 'CancelWorkflow':
      return { event_type: 'workflow_canceled', data: { terminated: command.terminated } };
    case 'PauseWorkflow':
      return { event_type: 'workflow_paused', data: command.by_parent === undefined ? {} : { by_parent: command.by_parent } };
    case 'ResumeWorkflow': {
      const data: WorkflowResumedData = { mode: command.mode };
      if (command.reset) data.reset = command.reset;
      if (command.from !== undefined) data.from = command.from;
      return { event_type: 'workflow_resumed', data };
    }
    case 'RequestCancel':
      return { event_type: 'cancel_requested', data: { grace_ms: command.grace_ms, deadline_ms: at + command.grace_ms } };
    case 'RequestSkip':
      return { event_type: 'skip_requested', task_id: command.task_id, data: {} };
    case 'CreateCheckpoint':
      return { event_type: 'checkpoint_created', data: { checkpoint_id: command.checkpoint_id } };
    case 'AbortUnit':
      return null;
  }
}
