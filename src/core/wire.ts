/**
 * The JSON the REST API sends and receives, shared by the server (src/server) and
 * the typed client (src/client) so the two cannot drift. Resources carry `id` and
 * the `<kind>_id` name the integration guide's clients read (`execution_id`, ...).
 */
import type { Diagnostic } from './diagnostic.js';
import type { ErrorCode } from './errors.js';
import type {
  DefinitionOrigin,
  ExecutionEvent,
  ExecutionRecord,
  ExecutionStatus,
  PackManifest,
  ParameterSpec,
  TaskError,
  TaskStatus,
  TemplateDef,
  WorkflowDef,
} from './model.js';

/** Every non-2xx response. */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    message: string;
    /** `diagnostics: Diagnostic[]` on 422s about a file; `request_id` on 500s. */
    details: Record<string, unknown>;
  };
}

/** A page of a listing. */
export interface Paginated<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

// ---------------------------------------------------------------------------
// Workflows and templates

export interface WorkflowView {
  /** Id of this version's record; what `POST /executions {workflow_id}` takes. */
  id: string;
  workflow_id: string;
  ref: string;
  pack_ref: string;
  name: string | null;
  description: string | null;
  version: number;
  content_hash: string;
  file: string;
  origin: DefinitionOrigin;
  task_count: number;
  created_at: string;
  active_version: number;
  latest_version: number;
  pinned: boolean;
}

export interface WorkflowDetail extends WorkflowView {
  definition: WorkflowDef;
  /** The YAML (or JSON) text the definition was parsed from. */
  source: string;
}

/** Response of POST/PUT /workflows: the stored version and any warnings. */
export interface WorkflowWriteResult extends WorkflowDetail {
  /** False when the body was identical to the active version (no new version). */
  changed: boolean;
  diagnostics: Diagnostic[];
}

export interface CreateWorkflowQuery {
  /** Pack the workflow is registered in. @default 'api' */
  pack?: string;
  /** Ref name when the body has no usable `name`. */
  name?: string;
}

export interface TemplateView {
  id: string;
  template_id: string;
  ref: string;
  pack_ref: string;
  name: string;
  description: string | null;
  version: number;
  parameters: Record<string, ParameterSpec>;
  created_at: string;
}

export interface TemplateDetail extends TemplateView {
  definition: TemplateDef;
  source: string;
}

export interface CreateTemplateRequest {
  name: string;
  description?: string;
  /** Id or ref of the workflow the template is made from. */
  workflow_definition_id: string;
  parameters?: Record<string, ParameterSpec>;
  /** @default 'api' */
  pack?: string;
}

export interface InstantiateTemplateRequest {
  parameter_values?: Record<string, unknown>;
  /** Name of the workflow to create. */
  name?: string;
}

// ---------------------------------------------------------------------------
// Executions

export interface StartExecutionRequest {
  workflow_id?: string;
  workflow_ref?: string;
  input?: Record<string, unknown>;
}

/** An execution as the API returns it: the stored row plus `execution_id` (the guide's name for its id). */
export interface ExecutionView extends ExecutionRecord {
  execution_id: string;
}

export interface TaskStatusView {
  status: TaskStatus;
  attempts: number;
  /** Milliseconds the task has run (so far, while running). */
  duration_ms: number;
  /** The integration guide's name for duration_ms. */
  duration: number;
  error: TaskError | null;
  started_at: string | null;
  finished_at: string | null;
  skip_reason?: string;
  handled_by?: string;
  items?: { total: number; completed: number; failed: number; running: number };
}

export interface ExecutionDetail extends ExecutionView {
  /** True between a cancel request and the execution settling. */
  canceling: boolean;
  started_at: string | null;
  task_statuses: Record<string, TaskStatusView>;
}

export interface ExecutionSummaryView {
  execution_id: string;
  workflow_ref: string;
  workflow_version: number;
  /** The workflow's display name (its ref when it has none). */
  workflow_name: string;
  status: ExecutionStatus;
  duration_ms: number | null;
  /** Task counts by status, plus `total`. */
  tasks: Record<TaskStatus, number> & { total: number };
  /** The guide's names: tasks.total and tasks.completed. */
  task_count: number;
  completed_tasks: number;
  attempts: number;
  failed_tasks: string[];
  output: Record<string, unknown> | null;
  error: TaskError | null;
}

export interface ExecutionMetricsView {
  execution_id: string;
  event_count: number;
  events_by_type: Record<string, number>;
  duration_ms: number | null;
  task_time_ms: number;
  parallelism: number | null;
  attempts: number;
  retries: number;
  slowest_task: { task_id: string; duration_ms: number } | null;
  /** The guide's names: duration_ms, the mean task duration in ms, and retries. */
  total_duration: number | null;
  average_task_duration: number | null;
  total_retries: number;
}

/** Response of a control verb (pause, resume, cancel, terminate, retry). */
export interface ExecutionControlResult {
  execution_id: string;
  status: ExecutionStatus;
}

export interface EventsPage {
  execution_id: string;
  events: ExecutionEvent[];
  /** Pass as `after_seq` to read on. */
  last_seq: number;
  /** More events follow `last_seq` than this page holds (absent from servers that sent every event at once). */
  has_more?: boolean;
}

export interface CheckpointView {
  id: string;
  checkpoint_id: string;
  execution_id: string;
  seq: number;
  created_at: string;
}

export interface CheckpointDetail extends CheckpointView {
  snapshot: unknown;
}

export interface CheckpointValidation {
  checkpoint_id: string;
  execution_id: string;
  seq: number;
  valid: boolean;
  /** Empty when valid. */
  problems: string[];
}

// ---------------------------------------------------------------------------
// Packs and components

export interface PackView {
  ref: string;
  label: string | null;
  version: string;
  description: string | null;
  manifest: PackManifest;
  workflow_count: number;
  created_at: string;
  updated_at: string;
}

/** Outcome of syncing or validating one pack. */
export interface PackSyncView {
  pack_ref: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  [key: string]: unknown;
}

export interface CreatePackRequest {
  ref: string;
  label?: string;
  version: string;
  description?: string;
}

export interface CreatePackResult {
  pack: PackView;
  /** The automatic sync of the pack's folder; its failure does not fail the create. */
  sync: PackSyncView | { ok: false; error: ErrorResponse['error'] };
}

export interface RegisterComponentRequest {
  id?: string;
  name: string;
  base_url: string;
  capabilities: string[];
  metadata?: Record<string, unknown>;
}

export interface ComponentView {
  id: string;
  component_id: string;
  name: string;
  base_url: string;
  capabilities: string[];
  metadata: Record<string, unknown>;
  registered_at: string;
  last_heartbeat_at: string | null;
}

export interface ServerStatusView {
  name: 'harmonia';
  version: string;
  uptime_seconds: number;
  store: { backend: 'sqlite' | 'postgres' };
  counts: {
    packs: number;
    workflows: number;
    templates: number;
    components: number;
    executions: Record<ExecutionStatus, number>;
  };
  running_executions: string[];
}

/** Messages on /ws/*: every event is sent as-is (it has `event_type`); control messages have `type`. */
export type WsServerMessage =
  | ExecutionEvent
  | { type: 'pong' }
  | { type: 'error'; error: ErrorResponse['error'] }
  /** The client fell behind (or the server is stopping): reconnect with `after_seq`/`after_position` = `resume_after`. */
  | { type: 'close'; reason: string; resume_after?: string };

export type WsClientMessage = { type: 'ping' };

// ---------------------------------------------------------------------------
// Responses of routes that answer with a plain list or a small result
// (added for the typed client; the routes in src/server/routes build these shapes).

/** GET /packs, /components, /checkpoints: every item at once (`total` when the route counts). */
export interface ItemList<T> {
  items: T[];
  total?: number;
}

/** GET /workflows/:id/versions: every stored version of a ref, oldest first. */
export interface WorkflowVersionsView {
  ref: string;
  items: WorkflowView[];
}

/** DELETE responses. */
export interface DeletedView {
  deleted: boolean;
  [key: string]: unknown;
}

/** GET and PUT /executions/:id/state. */
export interface ExecutionStateView {
  execution_id: string;
  state: Record<string, unknown>;
}

/** POST /components/:id/test: what probing `{base_url}/health` found (unreachable is a result, not an error). */
/** What probing a component's health endpoint found. */
export interface ComponentTestResult {
  id: string;
  name: string;
  /** The URL probed: `{base_url}/health`. */
  url: string;
  /** An HTTP response arrived (any status). */
  reachable: boolean;
  /** The response was 2xx. */
  healthy: boolean;
  status: number | null;
  latency_ms: number;
  /** Why it was unreachable (connection refused, timeout, address refused). */
  error: string | null;
  checked_at: string;
}

/** POST /components/:id/test: the probe's result, named for the API. */
export interface ComponentTestView extends ComponentTestResult {
  component_id: string;
  ok: boolean;
}
