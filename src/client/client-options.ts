/**
 * The options of the client and of its calls: the use-cases' options (src/core/harmonia-api.ts)
 * plus what only a remote call has (an abort signal). camelCase throughout; the client
 * turns them into the wire's snake_case query parameters.
 */
import type { ExecutionListOptions, PageOptions, SyncPackOptions as ApiSyncPackOptions, TemplateListOptions, WorkflowListOptions } from '../core/harmonia-api.js';
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

export interface PageQuery extends PageOptions, CallOptions {}

export interface ListWorkflowsQuery extends WorkflowListOptions, CallOptions {}

export interface ListExecutionsQuery extends ExecutionListOptions, CallOptions {}

export interface ListTemplatesQuery extends TemplateListOptions, CallOptions {}

export interface SyncPackOptions extends CallOptions, ApiSyncPackOptions {}

export interface WaitOptions extends CallOptions {
  /** Give up with TimeoutError after this many milliseconds. @default no limit */
  timeoutMs?: number;
}
