/**
 * Domain model.
 *
 * Terminology:
 * - **pack**: a folder `packs/<ref>/` with `pack.yaml`, workflows, templates and actions.
 * - **ref**: `<pack>.<name>`, the stable name of a workflow, template or action.
 * - **definition**: a workflow, template or action as registered; each change adds a
 *   **version** (1, 2, ...) identified by the content hash of its normalised body.
 * - **execution**: one run of one workflow version; its state is a fold of its events.
 * - **task**: one node of a workflow's DAG; an **attempt** is one run of a task.
 * - **handler**: a task named by `on_error` or `error_handlers`; it runs only on failure.
 */

import type { AttemptUsage, TaskError, TaskErrorCause } from './task-errors.js';

export type DefinitionKind = 'workflow' | 'template' | 'action';

export interface PackManifest {
  ref: string;
  label?: string;
  version: string;
  description?: string;
  author?: string;
  email?: string;
  keywords?: string[];
  dependencies: string[];
}

export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

/** A declared workflow input, template parameter or action parameter. */
export interface ParameterSpec {
  type?: ValueType;
  required?: boolean;
  default?: unknown;
  enum?: unknown[];
  description?: string;
  /** The value is a secret: masked in every view, event, stream, checkpoint and message. */
  secret?: boolean;
}

export interface RetryPolicy {
  /** Counts the first attempt: 3 means at most three runs. */
  max_attempts: number;
  initial_delay_ms: number;
  backoff_factor: number;
  max_delay_ms: number;
  /** Fraction of the delay (0..1) randomised either way. */
  jitter: number;
  /** When set, only these error types are retried. */
  retriable_errors?: string[];
}

export type TriggerRule = 'all_success' | 'all_done' | 'one_success' | 'none_failed';
export type ItemFailurePolicy = 'fail_fast' | 'continue';

export interface TaskDef {
  id: string;
  /** Display name (list form: `name` when `id` is also given). */
  name?: string;
  action: string;
  /** A registered remote component that provides `action` as a capability. */
  component?: string;
  depends_on: string[];
  condition?: string;
  input: Record<string, unknown>;
  retry?: Partial<RetryPolicy>;
  timeout_ms?: number;
  on_error?: string;
  trigger_rule?: TriggerRule;
  with_items?: string;
  concurrency?: number;
  on_item_failure?: ItemFailurePolicy;
}

export interface ErrorHandlerDef {
  error_type: string;
  handler: string;
}

/** A workflow body as normalised by the parser (list-form tasks become ordered TaskDefs). */
export interface WorkflowDef {
  version: string;
  name?: string;
  description?: string;
  input: Record<string, ParameterSpec>;
  context: Record<string, unknown>;
  tasks: TaskDef[];
  output: Record<string, unknown>;
  error_handlers: ErrorHandlerDef[];
  /** Set only when the file declares `triggers:`, so other workflows keep their content hash. */
  triggers?: Record<string, TriggerDef>;
}

/** What happens when a schedule fires while an execution it started is still running (Temporal's overlap policies). */
export type OverlapPolicy = 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'allow_all';

/**
 * The shortest `every`: the finest a six-field cron fires (once a second). Firing more often,
 * each fire's start (a database write, a run) takes longer than the interval and the schedule
 * falls further behind with every fire, for good. Validation refuses a shorter one; the
 * scheduler fires one registered before that rule at this rate (see trigger-catalogue.ts).
 */
export const MIN_SCHEDULE_INTERVAL_MS = 1000;

/** A `schedule:` trigger, normalised: durations in milliseconds, times as ISO strings. */
export interface ScheduleDef {
  /** Five fields, or six with seconds first; exactly one of cron and every_ms is set. */
  cron?: string;
  every_ms?: number;
  /** IANA zone the cron fields are read in. @default 'UTC' */
  timezone: string;
  /** The execution's input (literal values). @default {} */
  input: Record<string, unknown>;
  overlap: OverlapPolicy;
  /** Fires missed by at most this much (a stopped server) are still taken, once. @default 60000 */
  catchup_window_ms: number;
  /** Each fire is delayed by a stable pseudo-random amount below this. @default 0 */
  jitter_ms: number;
  start_at?: string;
  end_at?: string;
  enabled: boolean;
}

/** How a webhook delivery proves itself: a signature with the shared secret, an API token with the `trigger` scope, or either. */
export type WebhookAuth = 'signature' | 'token' | 'any';
export const WEBHOOK_AUTHS: readonly WebhookAuth[] = ['signature', 'token', 'any'];

/** A `webhook:` trigger: `POST /api/v1/hooks/{pack}/{workflow}/{trigger}`, signed or carrying a token. */
export interface WebhookDef {
  /** The environment variable holding the shared secret (read by the server, never stored); '' with `auth: token`. */
  secret_env: string;
  /** @default 'signature' */
  auth: WebhookAuth;
  /** The execution's input; values may read `${trigger.body...}`. @default {} */
  input: Record<string, unknown>;
}

/** An `after:` trigger: starts when an execution of another workflow ends with one of `status`. */
export interface AfterDef {
  /** The other workflow's ref. */
  workflow: string;
  /** @default ['completed'] */
  status: Array<'completed' | 'failed' | 'canceled'>;
  /** The execution's input; values may read `${trigger.output...}`. @default {} */
  input: Record<string, unknown>;
}

/** One entry of a workflow's `triggers:` map: exactly one of schedule, webhook and after. */
export interface TriggerDef {
  schedule?: ScheduleDef;
  webhook?: WebhookDef;
  after?: AfterDef;
}

export interface TemplateDef {
  version: string;
  description?: string;
  extends?: string;
  parameters: Record<string, ParameterSpec>;
  /** A workflow body; `${param.*}` is resolved at instantiation. */
  workflow: Partial<WorkflowDef> & { tasks: TaskDef[] };
}

export type ActionRunner = 'shell' | 'node' | 'http';

export interface ActionDef {
  description?: string;
  runner: ActionRunner;
  entry_point?: string;
  timeout_ms?: number;
  parameters: Record<string, ParameterSpec>;
}

export type DefinitionBody = WorkflowDef | TemplateDef | ActionDef;

/** Where a registered version came from (a git commit, an API call, a local sync). */
export interface DefinitionOrigin {
  source: 'local' | 'api' | 'git';
  /** The git source it came from when several are configured (HARMONIA_GIT_SOURCES); unset: the one `default` source. */
  git_source?: string;
  commit?: string;
  author?: string;
  date?: string;
  message?: string;
}

/** One registered version of a workflow, template or action. */
export interface DefinitionRecord<B extends DefinitionBody = DefinitionBody> {
  /** Unique id of this version (`<kind>:<ref>@<version>` is not used: ids are opaque). */
  id: string;
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  /** 1, 2, ... per ref. */
  version: number;
  /** sha256 of the normalised body. */
  content_hash: string;
  body: B;
  /** The YAML text the body was parsed from. */
  source: string;
  /** Path of the file inside its pack, e.g. `workflows/deploy.yaml`. */
  file: string;
  origin: DefinitionOrigin;
  created_at: string;
}

/**
 * A version as running it needs it: all but `source`, the YAML text, which is about as
 * large as the body and read only to show it.
 */
export type RunnableDefinition<B extends DefinitionBody = DefinitionBody> = Omit<DefinitionRecord<B>, 'source'>;

/** A ref's current state: which version is active, whether it is pinned or pruned. */
export interface DefinitionHead {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  active_version: number;
  latest_version: number;
  /** A pinned ref keeps its active version until unpinned (rollback). */
  pinned: boolean;
  /** Set when the file was removed from its pack; versions are kept. */
  deleted_at: string | null;
  updated_at: string;
}

export interface PackRecord {
  ref: string;
  manifest: PackManifest;
  created_at: string;
  updated_at: string;
}

// ---------------------------------------------------------------------------
// Executions

export type ExecutionStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'canceled';

/** The statuses an execution ends in: the only ones retention deletes. */
export const FINISHED_STATUSES = ['completed', 'failed', 'canceled'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

/** The columns an execution listing sorts by. */
export const EXECUTION_SORT_KEYS = ['created_at', 'updated_at', 'finished_at', 'status', 'workflow_ref'] as const;
/**
 * The order of an execution listing: a key ascending, or `-key` descending. Executions that
 * have not finished come last when sorting by `finished_at`, either way; ties go by creation,
 * in the same direction.
 */
export type ExecutionSort = (typeof EXECUTION_SORT_KEYS)[number] | `-${(typeof EXECUTION_SORT_KEYS)[number]}`;
/** `waiting`: a durable wait (core.sleep until, core.signal, core.approval) holding no process and no slot. */
export type TaskStatus = 'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'skipped' | 'canceled';

export { EVENT_TYPES } from './events.js';
export type { EventType, ExecutionEvent } from './events.js';
export type { AttemptUsage, TaskError, TaskErrorCause } from './task-errors.js';
/** The listing row of an execution; the truth is its events. */
export interface ExecutionRecord {
  id: string;
  /** The DefinitionRecord id of the pinned workflow version. */
  workflow_id: string;
  workflow_ref: string;
  workflow_version: number;
  status: ExecutionStatus;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: TaskError | null;
  parent_execution_id: string | null;
  parent_task_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** Highest seq written. */
  last_seq: number;
}

export interface CheckpointRecord {
  id: string;
  execution_id: string;
  /** seq of the last event folded into the snapshot. */
  seq: number;
  snapshot: unknown;
  created_at: string;
}

export interface ComponentRecord {
  id: string;
  name: string;
  base_url: string;
  capabilities: string[];
  metadata: Record<string, unknown>;
  registered_at: string;
  last_heartbeat_at: string | null;
}

/**
 * What a handler returns: the component integration guide's result shape (`cause`: core.workflow's own, never read from a component).
 * `usage` is what a model server billed the attempt (core.llm): a success carries it too, so an
 * output the engine then refuses, or one that arrives after the task's deadline, is still counted.
 */
export type TaskResult =
  | { status: 'success'; data: unknown; usage?: AttemptUsage }
  | { status: 'error'; error_type: string; error_message: string; is_retriable: boolean; cause?: TaskErrorCause; usage?: AttemptUsage };
