/**
 * The JSON of durable waits shared by the server, the client and the console: what a
 * waiting task waits for, pending approvals, and the answers to a signal or a decision.
 */
import type { ExecutionStatus } from './model.js';

/** The scopes an approval may require; `approve` is the dedicated one (admin passes every check). */
export type ApprovalScope = 'approve' | 'write' | 'admin';

/** What a waiting task waits for, as its `task_waiting` event records it. */
export type WaitSpec =
  | { kind: 'sleep'; deadline_ms: number }
  | { kind: 'signal'; name: string; deadline_ms: number | null }
  | {
      kind: 'approval';
      /** The scope the approver's token must have. */
      scope: ApprovalScope;
      /** Token names (ids or labels) allowed to decide; null = any token with the scope. */
      approvers: string[] | null;
      message: string | null;
      /** A reject completes the task (output.decision = 'reject') instead of failing it with REJECTED. */
      on_reject: 'fail' | 'complete';
      deadline_ms: number | null;
    };

/** A signal name: short, printable and safe in a URL path. */
export const SIGNAL_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Milliseconds since the epoch of an ISO-8601 time with a zone (`2026-12-05T10:00:00Z`), or null. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** One task of an execution in a durable wait. */
export interface WaitView {
  execution_id: string;
  task_id: string;
  kind: 'sleep' | 'signal' | 'approval';
  attempt: number;
  /** When it started waiting. */
  waiting_since: string | null;
  /** When it ends on its own (sleep over, signal TIMEOUT, approval EXPIRED); null = never. */
  deadline: string | null;
  /** The signal name (kind signal). */
  signal?: string;
  /** Kind approval: the scope a decider's token needs, the token names allowed (null = any), the message for the approver. */
  scope?: string;
  approvers?: string[] | null;
  message?: string | null;
}

/** A pending approval as `GET /api/v1/approvals` lists it: the wait and its execution. */
export interface PendingApproval extends WaitView {
  kind: 'approval';
  workflow_ref: string;
}

export interface PendingApprovalList {
  items: PendingApproval[];
  total: number;
  limit: number;
  offset: number;
}

/** What an execution waits for now, and signals received that no wait has taken yet. */
export interface ExecutionWaits {
  execution_id: string;
  status: ExecutionStatus;
  waits: WaitView[];
  buffered_signals: Array<{ name: string; received_at: string; sent_by: string | null }>;
}

/** `POST /executions/{id}/signals/{name}`: the signal is recorded in the history. */
export interface SignalResult {
  execution_id: string;
  status: ExecutionStatus;
  signal: string;
}

/** `POST /executions/{id}/approvals/{task}`. */
export interface ApprovalRequest {
  decision: 'approve' | 'reject';
  comment?: string;
}

export interface ApprovalResult {
  execution_id: string;
  status: ExecutionStatus;
  task_id: string;
  decision: 'approve' | 'reject';
  by: string;
}

/** Who decides an approval: a token's id, its other names (label), and its scopes. */
export interface Approver {
  id: string;
  names: string[];
  scopes: string[];
}
