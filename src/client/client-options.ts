/** The options of the client and of its calls. */
import type { ExecutionStatus } from '../core/model.js';
import type { FetchLike } from './transport.js';

export interface HarmoniaClientOptions {
  /** The server, e.g. `http://127.0.0.1:8002` (no `/api` suffix). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. @default none */
  token?: string | undefined;
  /** The fetch to call (a proxy agent, a test double). @default globalThis.fetch */
  fetch?: FetchLike | undefined;
  /** Milliseconds one request may take; 0 means no limit. Event streams are not cut by it. @default 30000 */
  timeoutMs?: number | undefined;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborting rejects the call with the signal's reason. */
  signal?: AbortSignal;
}

export interface PageQuery extends CallOptions {
  /** 1..1000. @default 50 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}

export interface ListWorkflowsQuery extends PageQuery {
  pack?: string;
  /** Substring of the ref, name or description. */
  text?: string;
}

export interface ListExecutionsQuery extends PageQuery {
  status?: ExecutionStatus;
  workflow_ref?: string;
  /** Only executions created at or after this time (an ISO 8601 time with its offset, or a date). */
  created_since?: string | Date;
  /** Only executions created before this time (an ISO 8601 time with its offset, or a date). */
  created_until?: string | Date;
  /** Only executions whose id starts with this text or whose workflow ref contains it (ASCII case ignored). */
  text?: string;
}

export interface ListTemplatesQuery extends PageQuery {
  pack?: string;
}

export interface SyncPackOptions extends CallOptions {
  /** Report what would change without registering. */
  dry_run?: boolean;
  /** Mark definitions whose files are gone deleted. */
  prune?: boolean;
  /** Sync even when it would prune everything or files have errors. */
  force?: boolean;
}

export interface WaitOptions extends CallOptions {
  /** Give up with TimeoutError after this many milliseconds. @default no limit */
  timeoutMs?: number;
}
