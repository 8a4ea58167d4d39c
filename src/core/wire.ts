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
  FinishedStatus,
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

/** What creating a template answers: the template, whether a version was added, and warnings. */
export interface TemplateWriteResult extends TemplateDetail {
  /** False when the body was identical to the active version (no new version). */
  changed: boolean;
  diagnostics: Diagnostic[];
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
  /** Tokens and requests of the execution's core.llm tasks: every attempt the model server billed, failed ones included. */
  llm: { tasks: number; failed_attempts: number; requests: number; prompt_tokens: number; completion_tokens: number; total_tokens: number; models: string[] };
}

/** Body of the task controls: `POST /executions/{id}/rerun` and `/skip`. */
export interface ExecutionTaskRequest {
  task_id: string;
}

/** Response of a control verb (pause, resume, cancel, terminate, retry, rerun, skip). */
export interface ExecutionControlResult {
  execution_id: string;
  status: ExecutionStatus;
  /** The execution after the request (servers before the application layer may leave it out). */
  execution?: ExecutionView;
}

export interface EventsPage {
  execution_id: string;
  events: ExecutionEvent[];
  /** Pass as `after_seq` to read on. */
  last_seq: number;
  /** More events follow `last_seq` than this page holds (absent from servers that sent every event at once). */
  has_more?: boolean;
}

/** One attempt of a task, as the task views fold it from the history. */
export interface TaskAttemptView {
  attempt: number;
  started_at: string;
  finished_at: string | null;
  /** 'running' while it runs ('waiting' in a durable wait), 'retrying' when a retry was scheduled. */
  outcome: 'running' | 'waiting' | 'completed' | 'failed' | 'canceled' | 'retrying';
  error: TaskError | null;
}

/** A task as folded from its execution's history: what the console draws in the graph, the timeline and the task panel. */
export interface TaskProgressView {
  task_id: string;
  status: TaskStatus;
  /** Every attempt, earlier runs (a retry or rerun of the execution) included. */
  attempts: TaskAttemptView[];
  error: TaskError | null;
  skip_reason: string | null;
  /** An operator asked to skip this pending task. */
  skip_requested: boolean;
  /** A fan-out's items (of its latest attempt) by outcome; each item: `GET /executions/{id}/tasks/{task_id}`. */
  items: { total: number; completed: number; failed: number } | null;
}

/**
 * `GET /executions/{id}/tasks`: a page of the tasks that have events, in the order they first
 * had one, folded up to `last_seq`; follow the stream after it to keep them current.
 */
export interface ExecutionTasksPage extends Paginated<TaskProgressView> {
  execution_id: string;
  status: ExecutionStatus;
  /** The seq the views are folded to: pass it as the stream's `after_seq`. */
  last_seq: number;
  /** The trigger that started the execution, when one did. */
  started_by: { id: string; scheduled_at: string | null; reason: string | null } | null;
}

/** A fan-out item's latest attempt (0 before it started) and how it stands. */
export interface TaskItemView {
  index: number;
  attempt: number;
  outcome: 'pending' | 'running' | 'completed' | 'failed' | 'retrying';
}

/** `GET /executions/{id}/tasks/{task_id}`: one task folded up to `last_seq`, with its input, output and a page of its items. */
export interface ExecutionTaskDetail {
  execution_id: string;
  last_seq: number;
  task: TaskProgressView;
  /** Absent before the task started. */
  input?: unknown;
  /** Absent until it completed. */
  output?: unknown;
  /** A page of a fan-out's items (`item_offset`, `item_limit`); null for a task without items. */
  items: Paginated<TaskItemView> | null;
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
  /** Live (not pruned) workflows, templates and actions of the pack. */
  workflow_count: number;
  template_count: number;
  action_count: number;
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

/** POST /packs/sync and POST /packs/validate: one result per pack folder. */
export interface PackSetView {
  /** False when any pack has an error (or, under `fail_on=warning`, a warning). */
  ok: boolean;
  packs: PackSyncView[];
  /** Every pack's diagnostics, in pack order. */
  diagnostics: Diagnostic[];
  /** Registered packs whose folder is gone (sync only). */
  pruned_packs?: string[];
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
  /**
   * The cluster's nodes, on PostgreSQL only (SQLite is one node): each with its last
   * heartbeat and the executions it holds; a node not `alive` stopped heartbeating.
   */
  nodes?: ClusterNodeView[];
}

/** One node of a cluster sharing a PostgreSQL database, as GET /api/v1/status lists it. */
export interface ClusterNodeView {
  node_id: string;
  started_at: string;
  heartbeat_at: string;
  expires_at: string;
  alive: boolean;
  executions: number;
}

/** Messages on /ws/*: every event is sent as-is (it has `event_type`); control messages have `type`. */
export type WsServerMessage =
  | ExecutionEvent
  /** /ws/events?batch=true: consecutive events, oldest first, as one message. */
  | { type: 'events'; events: ExecutionEvent[] }
  | { type: 'pong' }
  | { type: 'error'; error: ErrorResponse['error'] }
  /** The client fell behind (or the server is stopping): reconnect with `after_seq`/`after_position` = `resume_after`. */
  | { type: 'close'; reason: string; resume_after?: string };

/** What /ws/executions/:id/logs sends: each log line, then `end` once the execution has finished. */
export type WsLogMessage = ({ type: 'log' } & TaskLogLineView) | { type: 'end'; execution_id: string; last_seq: number };

export type WsClientMessage = { type: 'ping' };

// ---------------------------------------------------------------------------
// Responses of routes that answer with a plain list or a small result
// (added for the typed client; the routes in src/server/routes build these shapes).

/** GET /packs, /components, /checkpoints: every item at once (`total` when the route counts). */
export interface ItemList<T> {
  items: T[];
  total?: number;
}

/** GET /workflows/:id/versions: a page of the stored versions of a ref, oldest first. */
export interface WorkflowVersionsView extends Paginated<WorkflowView> {
  ref: string;
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

/** Tokens a model server counted. */
export interface LlmUsageView {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** GET /assistant: whether a model server is configured (the console shows its chat panel then). */
export interface AssistantStatusView {
  configured: boolean;
  model: string | null;
}

/** Body of POST /assistant/draft. */
export interface DraftRequest {
  /** What the workflow should do. */
  description: string;
  /** The pack it belongs to (its folder on the server). */
  pack: string;
  /** File name without extension. @default one made from the draft */
  name?: string;
  /** Drafts asked for before giving up. @default 3 */
  max_attempts?: number;
  model?: string;
}

/** Response of POST /assistant/draft: the last draft, valid or not, with its diagnostics. */
export interface DraftView {
  valid: boolean;
  pack: string;
  name: string;
  ref: string;
  /** Path inside the pack: `workflows/<name>.yaml`. */
  file: string;
  yaml: string;
  diagnostics: Diagnostic[];
  attempts: Array<{ attempt: number; valid: boolean; errors: number; warnings: number; codes: string[] }>;
  model: string;
  usage: LlmUsageView;
}

/** Response of POST /executions/{id}/explain. */
export interface ExplanationView {
  execution_id: string;
  status: string;
  explanation: string;
  /** What the model was told (statuses, errors, retries, recent events; never inputs or outputs). */
  facts: Record<string, unknown>;
  model: string;
  usage: LlmUsageView;
}

/** One line of a task's log, as the API and the SDK give it. */
export interface TaskLogLineView {
  /** The cursor: increasing in the order lines were stored; resume after it. */
  seq: number;
  task_id: string;
  /** Set for an item of a fan-out. */
  item_index?: number;
  attempt: number;
  stream: 'stdout' | 'stderr' | 'system';
  /** ISO time the line was printed. */
  at: string;
  line: string;
}

/** A page of task log lines; `next` is the cursor to read on from, null when nothing more is stored now. */
export interface TaskLogPage {
  execution_id: string;
  items: TaskLogLineView[];
  next: number | null;
}

// ---------------------------------------------------------------------------
// Session, workflow history and git status (read by the web console through the client).

/** GET /session: the caller's principal and scopes. */
export interface SessionView {
  principal_id: string;
  scopes: Array<'read' | 'write' | 'admin' | 'approve' | 'trigger'>;
  /** False when the server has no tokens: every loopback caller is the anonymous admin. */
  auth_enabled: boolean;
  /** True when the server follows git sources; false: /api/v1/git/* answers 404, so a UI does not ask. */
  git: boolean;
}

/** One stored version in GET /workflows/:id/history. */
export interface WorkflowHistoryEntry {
  version: number;
  id: string;
  active: boolean;
  source: DefinitionOrigin['source'];
  commit: string | null;
  author: string | null;
  date: string;
  message: string | null;
  created_at: string;
  content_hash: string;
  file: string;
}

/** GET /workflows/:id/history: the versions, oldest first, a page at a time. */
export interface WorkflowHistoryView extends Paginated<WorkflowHistoryEntry> {
  kind: string;
  ref: string;
  active_version: number;
  latest_version: number;
  pinned: boolean;
}

/** GET /workflows/:id/diff. */
export interface VersionDiffView {
  ref: string;
  from: { version: number; commit: string | null };
  to: { version: number; commit: string | null };
  identical: boolean;
  /** A unified diff of the two versions' source. */
  diff: string;
}

/** POST /workflows/:id/rollback and /unpin. */
export interface PinChangeView {
  kind: string;
  ref: string;
  from_version: number;
  to_version: number;
  commit: string | null;
  pinned: boolean;
}

export interface GitCommitView {
  sha: string;
  author?: string;
  date?: string;
  message?: string;
  [key: string]: unknown;
}

/** One definition of a git source's packs, live registry against the checked-out commit. */
export interface GitDriftView {
  kind: 'workflow' | 'template' | 'action';
  ref: string;
  pack_ref: string;
  state: 'Synced' | 'OutOfSync' | 'Missing' | 'Extra';
  active_version: number | null;
  file: string | null;
  reason?: string;
}

/** GET /git/status, GET /git/sources/{source}: the checkout, the last sync and a status per pack, workflow and definition. */
export interface GitStatusView {
  /** The source's name (`default` for HARMONIA_GIT_URL); absent from servers before several sources. */
  source?: string;
  url: string;
  branch: string;
  path: string;
  pinned_ref: string | null;
  poll_interval_seconds: number;
  webhook_enabled: boolean;
  syncing: boolean;
  head: GitCommitView | null;
  synced_commit: string | null;
  last_sync: {
    outcome: 'synced' | 'partial' | 'unchanged' | 'refused' | 'failed';
    ref: string;
    commit: GitCommitView | null;
    packs: Array<{ pack_ref: string; state: 'synced' | 'invalid'; commit: string | null; errors: Diagnostic[] }>;
    error?: { code: string; message: string };
    started_at: string;
    finished_at: string;
  } | null;
  workflows: Array<{
    ref: string;
    pack_ref: string;
    status: 'Synced' | 'OutOfSync' | 'Invalid' | 'Pinned';
    active_version: number | null;
    latest_version: number | null;
    expected_version: number | null;
    failing_commit?: string;
    diagnostics?: Diagnostic[];
    reason?: string;
  }>;
  refused?: { commit: string; error: { code: string; message: string } } | null;
  packs?: Array<{
    pack_ref: string;
    state: 'synced' | 'invalid';
    commit: string | null;
    last_good_commit: string | null;
    failing_commit: string | null;
    diagnostics: Diagnostic[];
    /** Every source whose checkout holds the pack, when more than this one does. */
    claimed_by?: string[];
  }>;
  drift?: GitDriftView[];
  [key: string]: unknown;
}

/** One source of GET /git/sources. */
export interface GitSourceSummaryView {
  name: string;
  url: string;
  branch: string;
  path: string;
  pinned_ref: string | null;
  poll_interval_seconds: number;
  webhook_enabled: boolean;
  syncing: boolean;
  head: GitCommitView | null;
  synced_commit: string | null;
  last_outcome: 'synced' | 'partial' | 'unchanged' | 'refused' | 'failed' | null;
  last_sync_at: string | null;
  refused: { commit: string; error: { code: string; message: string } } | null;
  packs: number;
  invalid_packs: string[];
  conflicts: Array<{ pack_ref: string; sources: string[] }>;
  drift: Record<GitDriftView['state'], number>;
  sync_status: 'Synced' | 'OutOfSync';
  [key: string]: unknown;
}

/** GET /git/sources: a page of the sources, in configuration order. */
export type GitSourceListView = Paginated<GitSourceSummaryView>;

/** What one sync run did (POST /git/sync, POST /git/sources/{source}/sync). */
export type GitSyncReportView = NonNullable<GitStatusView['last_sync']> & { pruned_packs: string[] };

/** POST /api/v1/executions/purge: what to delete. */
export interface PurgeExecutionsRequest {
  /** How long ago an execution must have finished: a duration (`30d`, `12h`, `90m`) or seconds. */
  older_than: string | number;
  /** Only roots ending so. @default ['completed', 'failed', 'canceled'] */
  status?: FinishedStatus[];
  /** Count and list what would go, delete nothing. @default false */
  dry_run?: boolean;
}

/** A root execution a purge deleted (or would delete) with its sub-workflows. */
export interface PurgedExecutionView {
  id: string;
  workflow_ref: string;
  status: FinishedStatus;
  finished_at: string;
  /** Sub-workflow executions that went with it, at every depth. */
  sub_workflows: number;
  /** Events of it and its sub-workflows. */
  events: number;
}

/** What a purge deleted (or, dry, would delete). */
export interface PurgeExecutionsResult {
  dry_run: boolean;
  /** Roots that finished before this ISO time were chosen. */
  finished_before: string;
  /** Root executions deleted. */
  executions: number;
  sub_workflows: number;
  events: number;
  /** Old enough roots kept because a sub-workflow of theirs has not finished. */
  kept_unfinished: number;
  /** The first PURGE_ITEMS_MAX roots, oldest finished first. */
  items: PurgedExecutionView[];
  /** More roots went than `items` lists. */
  truncated: boolean;
}
