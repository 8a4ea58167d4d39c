/**
 * The application's use-cases as one TypeScript interface. Two implementations exist:
 * `createHarmonia()` (src/app) runs them in this process over a store, and the typed
 * client (src/client) runs them on a server over HTTP. The server's routes call the first,
 * so a CLI command that takes either gets the same answer wherever it runs.
 *
 * Naming: option fields are camelCase (TypeScript's names); the wire's snake_case names
 * appear only in the response shapes of ./wire.ts and in HTTP query strings.
 */
import type { ExecutionSort, ExecutionStatus, OverlapPolicy } from './model.js';
import type { BackfillResult, ScheduleDetail, ScheduleView } from './schedule-wire.js';
import type { TriggerFireRecord } from './trigger-model.js';
import type { WorkflowDocument } from './workflow-document.js';
import type {
  CheckpointDetail,
  CheckpointView,
  ComponentView,
  CreateTemplateRequest,
  DeletedView,
  EventsPage,
  ExecutionControlResult,
  ExecutionDetail,
  ExecutionMetricsView,
  ExecutionSummaryView,
  ExecutionStateView,
  ExecutionTaskDetail,
  ExecutionTasksPage,
  ExecutionView,
  Paginated,
  PackSetView,
  PackSyncView,
  PackView,
  PurgeExecutionsRequest,
  PurgeExecutionsResult,
  StartExecutionRequest,
  TaskLogPage,
  TemplateDetail,
  TemplateView,
  TemplateWriteResult,
  VersionDiffView,
  WorkflowDetail,
  WorkflowHistoryView,
  WorkflowVersionsView,
  WorkflowView,
  WorkflowWriteResult,
} from './wire.js';

/** A page of a listing. */
export interface PageOptions {
  /** 1..1000. @default 50 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}

export interface ScheduleListOptions extends PageOptions {
  /** Only the schedules of this workflow ref (exact). */
  workflow?: string;
}

export interface WorkflowListOptions extends PageOptions {
  pack?: string;
  /** Substring of the ref, name or description. */
  text?: string;
}

export interface TemplateListOptions extends PageOptions {
  pack?: string;
  /** Substring of the ref, name or description. */
  text?: string;
}

export interface ExecutionListOptions extends PageOptions {
  status?: ExecutionStatus;
  workflowRef?: string;
  /** Only executions created at or after this time (an ISO 8601 time with its offset, or a date). */
  createdSince?: string | Date;
  /** Only executions created before this time (an ISO 8601 time with its offset, or a date). */
  createdUntil?: string | Date;
  /** Only executions whose id starts with this text or whose workflow ref contains it (ASCII case ignored). */
  text?: string;
  /** Only executions finished at or after this time (unfinished ones never match). */
  finishedSince?: string | Date;
  /** Only executions finished before this time. */
  finishedUntil?: string | Date;
  /** `created_at`, `updated_at`, `finished_at`, `status` or `workflow_ref`, ascending; `-key` descending. @default '-created_at' */
  sort?: ExecutionSort;
}

export interface EventListOptions {
  /** Only events with a higher seq. @default 0 */
  afterSeq?: number;
  /** One page of at most this many (`has_more` tells whether more follow); without it, every page joined into one. */
  limit?: number;
}

/** Which items of a fan-out task `getExecutionTask` answers. */
export interface TaskItemPageOptions {
  /** 1..1000. @default 100 */
  itemLimit?: number;
  /** @default 0 */
  itemOffset?: number;
}

export interface LogPageOptions {
  /** Only this task's lines. */
  task?: string;
  /** Only this attempt's lines. */
  attempt?: number;
  stream?: 'stdout' | 'stderr' | 'system';
  /** Only lines with a larger seq. @default 0 */
  after?: number;
  /**
   * Only lines up to this seq: a follower reads up to the head it saw and, when a filter
   * matched nothing there, looks on after that head rather than scanning the same lines again.
   */
  through?: number;
  /** 1..10000. @default 1000 */
  limit?: number;
}

export interface DiffOptions {
  /** Unchanged lines around each change, 0..1000. @default 3 */
  context?: number;
}

/**
 * When a pack check fails the call rather than answering its report: `none` never (read
 * `ok`), `error` on any error, `warning` on any error or warning. A failure is PACK_INVALID
 * (HTTP 422, CLI exit 1) with the report in `details.result`.
 */
export type PackFailOn = 'none' | 'error' | 'warning';

export interface PackCheckOptions {
  /** @default 'none' for validation and for syncing every pack, 'error' for syncing one */
  failOn?: PackFailOn;
}

export interface SyncPackOptions extends PackCheckOptions {
  /** Report what would change without registering. */
  dryRun?: boolean;
  /** Mark definitions whose files are gone deleted. */
  prune?: boolean;
  /** Allow a sync that would prune every definition of the pack (or every pack). */
  force?: boolean;
}

export interface ExecuteOptions {
  /**
   * Names the request: a retry with the same key (per caller) answers the execution the
   * first one started, on any node and after restarts; another request with the key fails
   * with IDEMPOTENCY_KEY_REUSED. 1–255 printable ASCII characters.
   */
  idempotencyKey?: string;
}

export interface BackfillRange {
  /** ISO 8601 times; scheduled times in [from, to] not fired before are fired. */
  from: string;
  to: string;
  /** @default the schedule's own policy */
  overlap?: OverlapPolicy;
}

/**
 * What Harmonia answers, wherever it runs. Every method returns the REST API's response
 * shape (./wire.ts) and fails with the error codes of ./errors.ts: HarmoniaError in
 * process, the client's typed errors (carrying the same `code`) over HTTP.
 */
export interface HarmoniaApi {
  /** A page of active workflows, ordered by ref. */
  listWorkflows(options?: WorkflowListOptions): Promise<Paginated<WorkflowView>>;
  /** One workflow by version id or ref: its active version, or `version`. */
  getWorkflow(idOrRef: string, options?: { version?: number }): Promise<WorkflowDetail>;
  /** A page of the stored versions of a workflow, oldest first. */
  listWorkflowVersions(idOrRef: string, options?: PageOptions): Promise<WorkflowVersionsView>;
  /** A page of the stored versions of a workflow with the commit each came from, oldest first. */
  getWorkflowHistory(idOrRef: string, options?: PageOptions): Promise<WorkflowHistoryView>;
  /** A unified diff between two versions (numbers or commit shas). */
  diffWorkflowVersions(idOrRef: string, from: string | number, to: string | number, options?: DiffOptions): Promise<VersionDiffView>;
  /** A page of the registered packs, ordered by ref, with their definition counts. */
  listPacks(options?: PageOptions): Promise<Paginated<PackView>>;
  /** One registered pack. */
  getPack(ref: string): Promise<PackView>;
  /** A page of active templates, ordered by ref. */
  listTemplates(options?: TemplateListOptions): Promise<Paginated<TemplateView>>;
  /** One template by version id or ref. */
  getTemplate(idOrRef: string): Promise<TemplateDetail>;
  /** A page of executions, newest first unless `sort` says otherwise. */
  listExecutions(options?: ExecutionListOptions): Promise<Paginated<ExecutionView>>;
  /** An execution with every task's status (`task_statuses`). */
  getWorkflowStatus(executionId: string): Promise<ExecutionDetail>;
  /** Task counts, duration, failed tasks and output. */
  getWorkflowSummary(executionId: string): Promise<ExecutionSummaryView>;
  /** Durations, parallelism, attempts and retries. */
  getWorkflowMetrics(executionId: string): Promise<ExecutionMetricsView>;
  /** The stored events after `afterSeq`. */
  listEvents(executionId: string, options?: EventListOptions): Promise<EventsPage>;
  /** A page of the execution's tasks folded from its history, with the seq they are folded to. */
  getExecutionTasks(executionId: string, options?: PageOptions): Promise<ExecutionTasksPage>;
  /** One task folded from the history, with its input, output and a page of its items. */
  getExecutionTask(executionId: string, taskId: string, options?: TaskItemPageOptions): Promise<ExecutionTaskDetail>;
  /** The execution's custom state. */
  getExecutionState(executionId: string): Promise<ExecutionStateView>;
  /** One page of an execution's task log. */
  readLogs(executionId: string, options?: LogPageOptions): Promise<TaskLogPage>;
  /** A page of the checkpoints of an execution, oldest first. */
  listCheckpoints(executionId: string, options?: PageOptions): Promise<Paginated<CheckpointView>>;
  /** One checkpoint with its snapshot. */
  getCheckpoint(checkpointId: string): Promise<CheckpointDetail>;
  /** A page of the registered remote components. */
  listComponents(options?: PageOptions): Promise<Paginated<ComponentView>>;
  /** One component by id or name. */
  getComponent(idOrName: string): Promise<ComponentView>;
  /** Pauses: running tasks finish, no new task starts. EXEC_INVALID_STATE when it cannot pause. */
  pauseExecution(executionId: string): Promise<ExecutionControlResult>;
  /** Resumes a paused execution. */
  resumeExecution(executionId: string): Promise<ExecutionControlResult>;
  /** Cancels: running tasks are aborted; the execution ends canceled. */
  cancelExecution(executionId: string): Promise<ExecutionControlResult>;
  /** Ends the execution at once, without running error handlers. */
  terminateExecution(executionId: string): Promise<ExecutionControlResult>;
  /** Retries a failed or canceled execution: every task that did not complete runs again. */
  retryExecution(executionId: string): Promise<ExecutionControlResult>;
  /** Reruns a finished execution from a task: it and everything downstream of it run again. */
  rerunExecution(executionId: string, taskId: string): Promise<ExecutionControlResult>;
  /** Skips a pending task; its dependants treat it as completed. */
  skipTask(executionId: string, taskId: string): Promise<ExecutionControlResult>;
  /** A page of the schedules of every active workflow, with their next fire time and last fire. */
  listSchedules(options?: ScheduleListOptions): Promise<Paginated<ScheduleView>>;
  /** One schedule (`<workflow ref>/<trigger name>`) with its next five fire times and recent fires. */
  getSchedule(scheduleId: string): Promise<ScheduleDetail>;
  /** Pauses a schedule (it fires nothing until resumed); `note` says why. */
  pauseSchedule(scheduleId: string, options?: { note?: string }): Promise<ScheduleView>;
  /** Resumes a schedule; times missed while paused are not caught up. */
  resumeSchedule(scheduleId: string): Promise<ScheduleView>;
  /** Fires a schedule now, under its overlap policy or `overlap`. */
  triggerSchedule(scheduleId: string, options?: { overlap?: OverlapPolicy }): Promise<TriggerFireRecord>;
  /** Fires every scheduled time of a range not fired before, oldest first. SCHEDULE_RANGE_INVALID for a bad range. */
  backfillSchedule(scheduleId: string, range: BackfillRange): Promise<BackfillResult>;
  /** A page of the fires of any trigger (`<workflow ref>/<trigger name>`: schedule, webhook or after), newest first. TRIGGER_NOT_FOUND when the workflow declares no such trigger. */
  listTriggerFires(triggerId: string, options?: PageOptions): Promise<Paginated<TriggerFireRecord>>;

  // ---- writes ------------------------------------------------------------

  /**
   * Registers a workflow (a JSON object, or YAML or JSON text) in the API pack, validated as
   * pack files are (WORKFLOW_INVALID with `details.diagnostics`). Its ref is `<api pack>.<name>`
   * (`options.name`, else the body's `name`, made a ref: `Data Processing` → `data_processing`).
   * A ref that exists with another body is refused (WORKFLOW_EXISTS): change it with
   * updateWorkflow. The same body again answers the existing version (`changed` false).
   */
  createWorkflow(definition: WorkflowDocument | string, options?: { name?: string }): Promise<WorkflowWriteResult>;
  /** Adds a version to a workflow created through the API when the body changed (STORE_CONFLICT for one from pack files). */
  updateWorkflow(idOrRef: string, definition: WorkflowDocument | string): Promise<WorkflowWriteResult>;
  /** Marks a workflow created through the API deleted; its versions stay for executions that use them. */
  deleteWorkflow(idOrRef: string): Promise<DeletedView>;
  /**
   * Deletes finished root executions older than `older_than` (counted from finished_at) with
   * their sub-workflows, events, checkpoints, state and task logs; never an unfinished one, nor
   * a root whose sub-workflow is unfinished. `dry_run` counts and lists without deleting.
   */
  purgeExecutions(request: PurgeExecutionsRequest): Promise<PurgeExecutionsResult>;
  /**
   * Makes a template of a registered workflow with typed parameters: every `${param.*}` the
   * workflow reads must be declared (TEMPLATE_INVALID). A ref that exists with another body
   * is refused (TEMPLATE_EXISTS).
   */
  createTemplate(request: CreateTemplateRequest): Promise<TemplateWriteResult>;
  /** Registers the workflow a template yields for `parameterValues`, `${param.*}` replaced; run it by its `workflow_id`. */
  instantiateTemplate(idOrRef: string, parameterValues?: Record<string, unknown>, options?: { name?: string }): Promise<WorkflowDetail & { template_id: string }>;
  /** Starts an execution of a workflow named by `workflow_id` (a version id) or `workflow_ref`. */
  executeWorkflow(request: StartExecutionRequest, options?: ExecuteOptions): Promise<ExecutionView>;
  /** Syncs one pack from its folder; with errors nothing registers and, by default, it fails with PACK_INVALID. */
  syncPack(ref: string, options?: SyncPackOptions): Promise<PackSyncView>;
  /** Validates one pack's folder without registering: the diagnostics `harmonia validate` prints. */
  validatePack(ref: string, options?: PackCheckOptions): Promise<PackSyncView>;
  /** Syncs every pack folder; registered packs whose folder is gone are deleted unless `prune` is false. */
  syncAllPacks(options?: SyncPackOptions): Promise<PackSetView>;
  /** Validates every pack folder without registering. */
  validateAllPacks(options?: PackCheckOptions): Promise<PackSetView>;
}
