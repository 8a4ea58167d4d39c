/**
 * HarmoniaClient: the typed SDK for the REST API under /api/v1 and the SSE
 * stream under /events. Every method returns the wire types of src/core/wire.ts
 * and throws the typed errors of ./errors.ts.
 */
import { streamTaskLogs, type LogsOptions } from './task-logs.js';
import type { DiffOptions, HarmoniaApi, LogPageOptions, PackCheckOptions, PackFailOn } from '../core/harmonia-api.js';
import type { ExecutionEvent, OverlapPolicy } from '../core/model.js';
import type { BackfillResult, ScheduleDetail, ScheduleView } from '../core/schedule-wire.js';
import type { TriggerFireRecord } from '../core/trigger-model.js';
import type { ApprovalResult, ExecutionWaits, PendingApprovalList, SignalResult } from '../core/wait-wire.js';
import type {
  AssistantStatusView,
  DraftRequest,
  DraftView,
  ExplanationView,
  CheckpointDetail,
  CheckpointValidation,
  CheckpointView,
  ComponentTestView,
  ComponentView,
  CreateTemplateRequest,
  DeletedView,
  EventsPage,
  ExecutionControlResult,
  ExecutionDetail,
  ExecutionMetricsView,
  ExecutionStateView,
  ExecutionTaskDetail,
  ExecutionTasksPage,
  TaskLogPage,
  ExecutionSummaryView,
  ExecutionView,
  GitStatusView,
  GitSourceListView,
  GitSyncReportView,
  PackSetView,
  PackSyncView,
  PackView,
  PurgeExecutionsRequest,
  PurgeExecutionsResult,
  Paginated,
  PinChangeView,
  ServerStatusView,
  SessionView,
  StartExecutionRequest,
  TaskLogLineView,
  TemplateDetail,
  TemplateView,
  TemplateWriteResult,
  VersionDiffView,
  WorkflowDetail,
  WorkflowHistoryView,
  WorkflowVersionsView,
  WorkflowView,
  WorkflowWriteResult,
} from '../core/wire.js';
import { streamAllEvents, type AllEventsOptions } from './all-events.js';
import { TimeoutError } from './errors.js';
import { longTimeoutSignal } from '../core/long-timer.js';
import { FINISHED_STATUSES, streamExecutionEvents, type EventsOptions } from './execution-events.js';
import type {
  CallOptions,
  HarmoniaClientOptions,
  ListExecutionsQuery,
  ListTemplatesQuery,
  ListWorkflowsQuery,
  PageQuery,
  SyncPackOptions,
  WaitOptions,
} from './client-options.js';
import { createTransport, type Transport } from './transport.js';
import type { WorkflowDocument } from './workflow-document.js';

/**
 * Creates a client for one server (the same as `new HarmoniaClient(options)`).
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8002', token: process.env.HARMONIA_TOKEN });
 * const execution = await client.executeWorkflow({ workflow_ref: 'ci_cd.deploy_app', input: { env: 'staging' } });
 * const done = await client.waitForCompletion(execution.execution_id);
 */
export function createClient(options: HarmoniaClientOptions): HarmoniaClient {
  return new HarmoniaClient(options);
}

const API = '/api/v1';
const seg = encodeURIComponent;

/**
 * A client for one Harmonia server.
 *
 * @example
 * ```ts
 * import { createClient } from 'harmonia';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8002', token: process.env.HARMONIA_TOKEN });
 * const workflow = await client.createWorkflow({
 *   name: 'hello',
 *   tasks: { greet: { action: 'core.echo', input: { message: 'hi ${input.who}' } } },
 * });
 * const execution = await client.executeWorkflow({ workflow_id: workflow.workflow_id, input: { who: 'you' } });
 * for await (const event of client.events(execution.execution_id)) console.log(event.seq, event.event_type);
 * const done = await client.waitForCompletion(execution.execution_id, { timeoutMs: 60_000 });
 * console.log(done.status, done.output);
 * ```
 */
export class HarmoniaClient implements HarmoniaApi {
  readonly baseUrl: string;
  readonly #http: Transport;

  constructor(options: HarmoniaClientOptions) {
    this.#http = createTransport(options);
    this.baseUrl = this.#http.baseUrl;
  }

  // ---- workflows ---------------------------------------------------------

  /**
   * Registers a workflow (a JSON object or YAML text) in the API pack. A create never
   * replaces: ConflictError (WORKFLOW_EXISTS) when the ref its name maps to exists with
   * another body (change that one with updateWorkflow); the same body again answers the
   * existing version with `changed` false.
   */
  createWorkflow(definition: WorkflowDocument | string, options: CallOptions & { name?: string } = {}): Promise<WorkflowWriteResult> {
    return this.#http.request('POST', `${API}/workflows`, {
      body: definition,
      contentType: typeof definition === 'string' ? 'application/yaml' : 'application/json',
      query: { name: options.name },
      signal: options.signal,
    });
  }

  /** Updates a workflow created through the API (by id or ref): a changed body adds a version. */
  updateWorkflow(idOrRef: string, definition: WorkflowDocument | string, options: CallOptions = {}): Promise<WorkflowWriteResult> {
    return this.#http.request('PUT', `${API}/workflows/${seg(idOrRef)}`, {
      body: definition,
      contentType: typeof definition === 'string' ? 'application/yaml' : 'application/json',
      signal: options.signal,
    });
  }

  /** One workflow by version id or ref: its active version, or `version`. */
  getWorkflow(idOrRef: string, options: CallOptions & { version?: number } = {}): Promise<WorkflowDetail> {
    return this.#get(`/workflows/${seg(idOrRef)}`, options, { version: options.version });
  }

  /** A page of active workflows. */
  listWorkflows(query: ListWorkflowsQuery = {}): Promise<Paginated<WorkflowView>> {
    return this.#get('/workflows', query, { pack: query.pack, text: query.text, limit: query.limit, offset: query.offset });
  }

  /** A page of the stored versions of a workflow, oldest first. */
  listWorkflowVersions(idOrRef: string, query: PageQuery = {}): Promise<WorkflowVersionsView> {
    return this.#get(`/workflows/${seg(idOrRef)}/versions`, query, pageParams(query));
  }

  /** Marks a workflow created through the API deleted (its versions stay). */
  deleteWorkflow(idOrRef: string, options: CallOptions = {}): Promise<DeletedView> {
    return this.#http.request('DELETE', `${API}/workflows/${seg(idOrRef)}`, { signal: options.signal });
  }

  // ---- executions --------------------------------------------------------

  /** Deletes finished executions older than `older_than` with their sub-workflows (admin); `dry_run` only counts. */
  purgeExecutions(request: PurgeExecutionsRequest, options: CallOptions = {}): Promise<PurgeExecutionsResult> {
    return this.#post('/executions/purge', request, options);
  }

  /**
   * Starts an execution of a workflow named by `workflow_id` (a version id) or `workflow_ref`.
   * With `idempotencyKey`, a retried call (after a timeout, say) answers with the execution
   * the first call started instead of starting another.
   */
  executeWorkflow(request: StartExecutionRequest, options: CallOptions & { idempotencyKey?: string } = {}): Promise<ExecutionView> {
    const body = { ...request, input: request.input ?? {} };
    if (options.idempotencyKey === undefined) return this.#post('/executions', body, options);
    return this.#http.request<ExecutionView>('POST', `${API}/executions`, { body, signal: options.signal, headers: { 'Idempotency-Key': options.idempotencyKey } });
  }

  /** A page of executions, newest first. */
  listExecutions(query: ListExecutionsQuery = {}): Promise<Paginated<ExecutionView>> {
    return this.#get('/executions', query, {
      status: query.status,
      workflow_ref: query.workflowRef,
      created_since: isoTime(query.createdSince),
      created_until: isoTime(query.createdUntil),
      finished_since: isoTime(query.finishedSince),
      finished_until: isoTime(query.finishedUntil),
      text: query.text,
      sort: query.sort,
      limit: query.limit,
      offset: query.offset,
    });
  }

  /** An execution with every task's status (`task_statuses`). */
  getWorkflowStatus(executionId: string, options: CallOptions = {}): Promise<ExecutionDetail> {
    return this.#get(`/executions/${seg(executionId)}`, options);
  }

  /** Task counts, duration, failed tasks and output. */
  getWorkflowSummary(executionId: string, options: CallOptions = {}): Promise<ExecutionSummaryView> {
    return this.#get(`/executions/${seg(executionId)}/summary`, options);
  }

  /** Durations, parallelism, attempts and retries. */
  getWorkflowMetrics(executionId: string, options: CallOptions = {}): Promise<ExecutionMetricsView> {
    return this.#get(`/executions/${seg(executionId)}/metrics`, options);
  }

  /**
   * The stored events after `afterSeq` (no streaming). With `limit`, one page of at most
   * that many (`has_more` says whether to read on from `last_seq`); without it, every
   * page in turn, joined into one.
   */
  async listEvents(executionId: string, options: CallOptions & { afterSeq?: number; limit?: number } = {}): Promise<EventsPage> {
    const path = `/executions/${seg(executionId)}/events`;
    if (options.limit !== undefined) return this.#get(path, options, { after_seq: options.afterSeq, limit: options.limit });
    const first = await this.#get<EventsPage>(path, options, { after_seq: options.afterSeq });
    const events = [...first.events];
    let page = first;
    // a page that moved last_seq no further would loop for ever; stop on it
    while (page.has_more === true && page.events.length > 0) {
      page = await this.#get<EventsPage>(path, options, { after_seq: page.last_seq });
      events.push(...page.events);
    }
    return { execution_id: first.execution_id, events, last_seq: page.last_seq, has_more: false };
  }

  /**
   * A page of the execution's tasks folded from its history, and the seq they are folded to
   * (`last_seq`): draw them, then follow `events()` from `afterSeq: last_seq`.
   */
  getExecutionTasks(executionId: string, options: CallOptions & PageQuery = {}): Promise<ExecutionTasksPage> {
    return this.#get(`/executions/${seg(executionId)}/tasks`, options, pageParams(options));
  }

  /** One task folded from the history, with its input, output and a page of a fan-out's items. */
  getExecutionTask(executionId: string, taskId: string, options: CallOptions & { itemLimit?: number; itemOffset?: number } = {}): Promise<ExecutionTaskDetail> {
    return this.#get(`/executions/${seg(executionId)}/tasks/${seg(taskId)}`, options, { item_limit: options.itemLimit, item_offset: options.itemOffset });
  }

  /** Pauses: running tasks finish, no new task starts. ConflictError when the execution cannot pause. */
  pauseExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#control(executionId, 'pause', options);
  }

  /** Resumes a paused execution. */
  resumeExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#control(executionId, 'resume', options);
  }

  /** Cancels: running tasks are aborted; the execution ends canceled. */
  cancelExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#control(executionId, 'cancel', options);
  }

  /** Ends the execution at once, without running error handlers. */
  terminateExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#control(executionId, 'terminate', options);
  }

  /**
   * Retries a failed or canceled execution: every task that did not complete runs again,
   * completed tasks keep their outputs. ConflictError for any other status.
   */
  retryExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#control(executionId, 'retry', options);
  }

  /**
   * Reruns a finished execution from a task: it and everything downstream of it run again.
   * ConflictError while the execution runs; ValidationError (400) for a task it does not have.
   * @example
   * await client.rerunExecution(id, 'deploy');
   */
  rerunExecution(executionId: string, taskId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#post(`/executions/${seg(executionId)}/rerun`, { task_id: taskId }, options);
  }

  /**
   * Skips a pending task of a running or paused execution; its dependants treat it as
   * completed. A task whose upstream is still running is skipped once that upstream is done.
   */
  skipTask(executionId: string, taskId: string, options: CallOptions = {}): Promise<ExecutionControlResult> {
    return this.#post(`/executions/${seg(executionId)}/skip`, { task_id: taskId }, options);
  }

  // ---- signals and approvals ----------------------------------------------

  /**
   * Sends a signal to an execution: recorded in its history at once; the oldest core.signal
   * task waiting for `name` takes it, its output being `payload` (now, or when one starts waiting).
   * @example
   * await client.signal(executionId, 'payment_received', { amount: 42 });
   */
  signal(executionId: string, name: string, payload: Record<string, unknown> = {}, options: CallOptions = {}): Promise<SignalResult> {
    return this.#post(`/executions/${seg(executionId)}/signals/${seg(name)}`, payload, options);
  }

  /** Approves a task waiting in core.approval (the token needs the task's scope, `approve` by default). */
  approve(executionId: string, taskId: string, options: CallOptions & { comment?: string } = {}): Promise<ApprovalResult> {
    return this.decideApproval(executionId, taskId, 'approve', options);
  }

  /** Rejects a task waiting in core.approval: it fails with REJECTED (or completes with decision 'reject' under on_reject: complete). */
  reject(executionId: string, taskId: string, options: CallOptions & { comment?: string } = {}): Promise<ApprovalResult> {
    return this.decideApproval(executionId, taskId, 'reject', options);
  }

  /** Approves or rejects a task waiting in core.approval. */
  decideApproval(executionId: string, taskId: string, decision: 'approve' | 'reject', options: CallOptions & { comment?: string } = {}): Promise<ApprovalResult> {
    const body = options.comment === undefined ? { decision } : { decision, comment: options.comment };
    return this.#post(`/executions/${seg(executionId)}/approvals/${seg(taskId)}`, body, options);
  }

  /** Pending approvals across running and paused executions, oldest first. */
  listApprovals(query: CallOptions & { limit?: number; offset?: number } = {}): Promise<PendingApprovalList> {
    return this.#get('/approvals', query, { limit: query.limit, offset: query.offset });
  }

  /** What an execution's tasks wait for now, and signals not yet taken. */
  getWaits(executionId: string, options: CallOptions = {}): Promise<ExecutionWaits> {
    return this.#get(`/executions/${seg(executionId)}/waits`, options);
  }

  /** Replaces the execution's custom state (read in expressions as `${state.*}`). */
  saveState(executionId: string, state: Record<string, unknown>, options: CallOptions = {}): Promise<ExecutionStateView> {
    return this.#http.request('PUT', `${API}/executions/${seg(executionId)}/state`, { body: state, signal: options.signal });
  }

  /** The execution's custom state with its execution id. */
  getExecutionState(executionId: string, options: CallOptions = {}): Promise<ExecutionStateView> {
    return this.#get(`/executions/${seg(executionId)}/state`, options);
  }

  /** One page of the execution's task log; `next` is the cursor to read on from (null: nothing more stored now). */
  readLogs(executionId: string, options: LogPageOptions & CallOptions = {}): Promise<TaskLogPage> {
    const { task, attempt, stream, after, through, limit } = options;
    return this.#get(`/executions/${seg(executionId)}/logs`, options, { task, attempt, stream, after, through, limit });
  }

  /** The execution's custom state. */
  async loadState(executionId: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const view = await this.#get<ExecutionStateView>(`/executions/${seg(executionId)}/state`, options);
    return view.state;
  }

  /**
   * The execution's events in seq order: history after `afterSeq`, then live. A
   * dropped connection is resumed with Last-Event-ID, with no gap and no repeat.
   * By default the iteration ends after the execution finishes; `break` ends it early.
   */
  events(executionId: string, options: EventsOptions = {}): AsyncGenerator<ExecutionEvent, void, undefined> {
    return streamExecutionEvents(this.#http, executionId, options);
  }

  /**
   * The execution's task log, line by line in seq order: the stored lines, or with
   * `follow: true` live until the execution has finished, resuming after a dropped
   * connection without a gap or a repeat.
   * @example for await (const line of client.logs(id, { task: 'build', follow: true })) console.log(line.stream, line.line);
   */
  logs(executionId: string, options: LogsOptions = {}): AsyncGenerator<TaskLogLineView, void, undefined> {
    return streamTaskLogs(this.#http, executionId, options);
  }

  /**
   * Every execution's events, in the order the server stored them, each with its global
   * `position`: from `afterPosition` (0 for all history) or, by default, from now on.
   * Reconnects by itself after a dropped connection, a restart or a drop for reading too
   * slowly, resuming after the last position it yielded: no gap, no repeat. Runs until
   * aborted or broken out of.
   */
  allEvents(options: AllEventsOptions = {}): AsyncGenerator<ExecutionEvent, void, undefined> {
    return streamAllEvents(this.#http, options);
  }

  /**
   * Resolves with the execution once it is completed, failed or canceled (a paused
   * execution is waited for). Built on the event stream, so it returns as soon as
   * the finishing event arrives. Throws TimeoutError after `timeoutMs`.
   */
  async waitForCompletion(executionId: string, options: WaitOptions = {}): Promise<ExecutionDetail> {
    // A long execution may be waited for weeks: AbortSignal.timeout would fire such a wait at once.
    const deadline = options.timeoutMs === undefined ? undefined : longTimeoutSignal(options.timeoutMs);
    const timer = deadline?.signal;
    const signals = [options.signal, timer].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    try {
      const current = await this.getWorkflowStatus(executionId, signal ? { signal } : {});
      if (FINISHED_STATUSES.has(current.status)) return current;
      for await (const event of this.events(executionId, { afterSeq: current.last_seq, ...(signal ? { signal } : {}) })) {
        void event;
      }
      return await this.getWorkflowStatus(executionId, signal ? { signal } : {});
    } catch (error) {
      if (timer?.aborted && !options.signal?.aborted) {
        throw new TimeoutError(`execution '${executionId}' did not finish within ${options.timeoutMs} ms`, { cause: error });
      }
      throw error;
    } finally {
      deadline?.cancel();
    }
  }

  // ---- templates ---------------------------------------------------------

  /**
   * Creates a template from a registered workflow, with typed parameters. ValidationError
   * (TEMPLATE_INVALID) when the workflow reads a `${param.*}` the parameters do not declare;
   * ConflictError (TEMPLATE_EXISTS) when another template has the ref the name maps to.
   */
  createTemplate(request: CreateTemplateRequest, options: CallOptions = {}): Promise<TemplateWriteResult> {
    return this.#post('/templates', request, options);
  }

  /** A page of templates. */
  listTemplates(query: ListTemplatesQuery = {}): Promise<Paginated<TemplateView>> {
    return this.#get('/templates', query, { pack: query.pack, text: query.text, limit: query.limit, offset: query.offset });
  }

  /** One template by id or ref. */
  getTemplate(idOrRef: string, options: CallOptions = {}): Promise<TemplateDetail> {
    return this.#get(`/templates/${seg(idOrRef)}`, options);
  }

  /** Registers the workflow a template yields for `parameterValues`; execute it with its `workflow_id`. */
  instantiateTemplate(
    idOrRef: string,
    parameterValues: Record<string, unknown> = {},
    options: CallOptions & { name?: string } = {},
  ): Promise<WorkflowDetail & { template_id: string }> {
    const body = { parameter_values: parameterValues, ...(options.name !== undefined ? { name: options.name } : {}) };
    return this.#post(`/templates/${seg(idOrRef)}/instantiate`, body, options);
  }

  // ---- checkpoints -------------------------------------------------------

  /** Snapshots an execution's state as of its latest event. */
  createCheckpoint(executionId: string, options: CallOptions = {}): Promise<CheckpointView> {
    return this.#post('/checkpoints', { execution_id: executionId }, options);
  }

  /** The checkpoints of an execution. */
  listCheckpoints(executionId: string, query: PageQuery = {}): Promise<Paginated<CheckpointView>> {
    return this.#get('/checkpoints', query, { execution_id: executionId, ...pageParams(query) });
  }

  /** One checkpoint with its snapshot. */
  getCheckpoint(checkpointId: string, options: CallOptions = {}): Promise<CheckpointDetail> {
    return this.#get(`/checkpoints/${seg(checkpointId)}`, options);
  }

  /** Checks a checkpoint against its execution's events and workflow. */
  validateCheckpoint(checkpointId: string, options: CallOptions = {}): Promise<CheckpointValidation> {
    return this.#post(`/checkpoints/${seg(checkpointId)}/validate`, undefined, options);
  }

  /** Starts a new execution from a checkpoint's state. */
  restoreFromCheckpoint(checkpointId: string, options: CallOptions = {}): Promise<ExecutionView> {
    return this.#post(`/checkpoints/${seg(checkpointId)}/restore`, undefined, options);
  }

  // ---- packs, components, server -----------------------------------------

  /** Registered packs. */
  listPacks(query: PageQuery = {}): Promise<Paginated<PackView>> {
    return this.#get('/packs', query, pageParams(query));
  }

  /** One registered pack. */
  getPack(ref: string, options: CallOptions = {}): Promise<PackView> {
    return this.#get(`/packs/${seg(ref)}`, options);
  }

  /**
   * Syncs a pack's definitions from its folder on the server. ValidationError (PACK_INVALID,
   * with diagnostics) when a file has errors, or under `failOn: 'warning'` a warning;
   * `failOn: 'none'` answers the result with `ok` false instead.
   */
  syncPack(ref: string, options: SyncPackOptions = {}): Promise<PackSyncView> {
    return this.#http.request('POST', `${API}/packs/${seg(ref)}/workflows/sync`, { body: syncBody(options), query: failOnQuery(options.failOn), signal: options.signal });
  }

  /** Validates a pack's folder on the server without registering; `ok` is false when a file has errors (or, with `failOn`, ValidationError). */
  validatePack(ref: string, options: PackCheckOptions & CallOptions = {}): Promise<PackSyncView> {
    return this.#http.request('POST', `${API}/packs/${seg(ref)}/workflows/validate`, { query: failOnQuery(options.failOn), signal: options.signal });
  }

  /** Syncs every pack folder on the server. */
  syncAllPacks(options: SyncPackOptions = {}): Promise<PackSetView> {
    return this.#http.request('POST', `${API}/packs/sync`, { body: syncBody(options), query: failOnQuery(options.failOn), signal: options.signal });
  }

  /** Validates every pack folder on the server without registering. */
  validateAllPacks(options: PackCheckOptions & CallOptions = {}): Promise<PackSetView> {
    return this.#http.request('POST', `${API}/packs/validate`, { query: failOnQuery(options.failOn), signal: options.signal });
  }

  /** Registered remote components. */
  listComponents(query: PageQuery = {}): Promise<Paginated<ComponentView>> {
    return this.#get('/components', query, pageParams(query));
  }

  /** One registered component by id or name. */
  getComponent(idOrName: string, options: CallOptions = {}): Promise<ComponentView> {
    return this.#get(`/components/${seg(idOrName)}`, options);
  }

  /** Probes a component's health endpoint; an unreachable component is a result (`ok: false`), not an error. */
  testComponent(idOrName: string, options: CallOptions = {}): Promise<ComponentTestView> {
    return this.#post(`/components/${seg(idOrName)}/test`, undefined, options);
  }

  // ---- schedules ----------------------------------------------------------

  /** Every schedule of every active workflow, with its next fire time and last fire. */
  listSchedules(query: PageQuery & { workflow?: string } = {}): Promise<Paginated<ScheduleView>> {
    return this.#get('/schedules', query, { ...pageParams(query), workflow: query.workflow });
  }

  /** One schedule (`<workflow ref>/<trigger name>`) with its next five fire times and recent fires. */
  getSchedule(scheduleId: string, options: CallOptions = {}): Promise<ScheduleDetail> {
    return this.#get(schedulePath(scheduleId), options);
  }

  /** Pauses a schedule; `note` says why. */
  pauseSchedule(scheduleId: string, options: CallOptions & { note?: string } = {}): Promise<ScheduleView> {
    return this.#post(`${schedulePath(scheduleId)}/pause`, options.note === undefined ? undefined : { note: options.note }, options);
  }

  /** Resumes a schedule; times missed while paused are not caught up. */
  resumeSchedule(scheduleId: string, options: CallOptions = {}): Promise<ScheduleView> {
    return this.#post(`${schedulePath(scheduleId)}/resume`, undefined, options);
  }

  /** Fires a schedule now, under its overlap policy or `overlap`. */
  triggerSchedule(scheduleId: string, options: CallOptions & { overlap?: OverlapPolicy } = {}): Promise<TriggerFireRecord> {
    return this.#post(`${schedulePath(scheduleId)}/trigger`, options.overlap === undefined ? undefined : { overlap: options.overlap }, options);
  }

  /** Fires every scheduled time in [from, to] (ISO 8601) not fired before. */
  backfillSchedule(scheduleId: string, range: { from: string; to: string; overlap?: OverlapPolicy }, options: CallOptions = {}): Promise<BackfillResult> {
    return this.#post(`${schedulePath(scheduleId)}/backfill`, range, options);
  }

  /** A page of the fires of any trigger (`<workflow ref>/<trigger name>`: schedule, webhook or after), newest first. */
  listTriggerFires(triggerId: string, query: PageQuery = {}): Promise<Paginated<TriggerFireRecord>> {
    return this.#get(`${schedulePath(triggerId, 'triggers')}/fires`, query, pageParams(query));
  }

  /** Version, uptime, store backend, counts and running executions. */
  getServerStatus(options: CallOptions = {}): Promise<ServerStatusView> {
    return this.#get('/status', options);
  }

  /** Whether the server has a model configured, and its default model. */
  getAssistantStatus(options: CallOptions = {}): Promise<AssistantStatusView> {
    return this.#get('/assistant', options);
  }

  /**
   * Asks the server's model for a workflow of a pack, validated and corrected up to
   * `max_attempts` times. Nothing is written: save `yaml` as `file` in the pack when `valid`.
   * Drafting takes several model calls: give the client a `timeoutMs` to match (0 = none).
   */
  draftWorkflow(request: DraftRequest, options: CallOptions = {}): Promise<DraftView> {
    return this.#post('/assistant/draft', request, options);
  }

  /** Asks the server's model why an execution failed, from its statuses, errors and history. */
  explainExecution(executionId: string, options: CallOptions & { model?: string } = {}): Promise<ExplanationView> {
    return this.#post(`/executions/${seg(executionId)}/explain`, options.model === undefined ? {} : { model: options.model }, options);
  }

  // ---- session, workflow history, git (the web console reads these) ------

  /** Who the client's token is and its scopes (`auth_enabled` false when the server has no tokens), and whether the server follows git (`git`). */
  getSession(options: CallOptions = {}): Promise<SessionView> {
    return this.#get('/session', options);
  }

  /** Every stored version of a workflow with the commit it came from, oldest first. */
  getWorkflowHistory(idOrRef: string, query: PageQuery = {}): Promise<WorkflowHistoryView> {
    return this.#get(`/workflows/${seg(idOrRef)}/history`, query, pageParams(query));
  }

  /** A unified diff between two versions (numbers or commit shas). */
  diffWorkflowVersions(idOrRef: string, from: string | number, to: string | number, options: DiffOptions & CallOptions = {}): Promise<VersionDiffView> {
    return this.#get(`/workflows/${seg(idOrRef)}/diff`, options, { from: String(from), to: String(to), context: options.context });
  }

  /** Makes an older version active again (by number or commit sha) and pins it. */
  rollbackWorkflow(idOrRef: string, to: string | number, options: CallOptions = {}): Promise<PinChangeView> {
    return this.#post(`/workflows/${seg(idOrRef)}/rollback`, { to }, options);
  }

  /** Clears a rollback pin: the newest version becomes active. */
  unpinWorkflow(idOrRef: string, options: CallOptions = {}): Promise<PinChangeView> {
    return this.#post(`/workflows/${seg(idOrRef)}/unpin`, undefined, options);
  }

  /** The git sync's status; NotFoundError when the server does not follow a git repository. */
  getGitStatus(options: CallOptions = {}): Promise<GitStatusView> {
    return this.#get('/git/status', options);
  }

  /** Every git source the server follows, with where each stands; NotFoundError when it follows none. */
  listGitSources(query: PageQuery = {}): Promise<GitSourceListView> {
    return this.#get('/git/sources', query, pageParams(query));
  }

  /** One git source's status: checkout, last run, refused commit, packs (conflicts included) and drift per definition. */
  getGitSource(name: string, options: CallOptions = {}): Promise<GitStatusView> {
    return this.#get(`/git/sources/${seg(name)}`, options);
  }

  /** Fetches and syncs one git source now; `ref` (admin) pins it to a tag or sha. Resolves with the run's report. */
  syncGitSource(name: string, options: CallOptions & { ref?: string } = {}): Promise<GitSyncReportView> {
    return this.#post(`/git/sources/${seg(name)}/sync`, options.ref === undefined ? {} : { ref: options.ref }, options);
  }

  // ---- plumbing ----------------------------------------------------------

  #get<T>(path: string, options: CallOptions, query: Record<string, string | number | undefined> = {}): Promise<T> {
    return this.#http.request<T>('GET', API + path, { query, signal: options.signal });
  }

  #post<T>(path: string, body: unknown, options: CallOptions): Promise<T> {
    return this.#http.request<T>('POST', API + path, { body, signal: options.signal });
  }

  #control(executionId: string, verb: string, options: CallOptions): Promise<ExecutionControlResult> {
    return this.#post(`/executions/${seg(executionId)}/${verb}`, undefined, options);
  }
}

/** The `limit` and `offset` query parameters of a listing (absent ones are not sent). */
function pageParams(query: PageQuery): { limit: number | undefined; offset: number | undefined } {
  return { limit: query.limit, offset: query.offset };
}

/** `/<base>/<workflow>/<name>` for a trigger id `<workflow ref>/<trigger name>` (a schedule's id is its trigger's). */
function schedulePath(scheduleId: string, base: 'schedules' | 'triggers' = 'schedules'): string {
  const slash = scheduleId.indexOf('/');
  const workflow = slash === -1 ? scheduleId : scheduleId.slice(0, slash);
  const name = slash === -1 ? '' : scheduleId.slice(slash + 1);
  return `/${base}/${seg(workflow)}/${seg(name)}`;
}

function syncBody(options: SyncPackOptions): Record<string, boolean> | undefined {
  const body: Record<string, boolean> = {};
  if (options.dryRun !== undefined) body.dry_run = options.dryRun;
  if (options.prune !== undefined) body.prune = options.prune;
  if (options.force !== undefined) body.force = options.force;
  return Object.keys(body).length === 0 ? undefined : body;
}

function failOnQuery(failOn: PackFailOn | undefined): Record<string, string | undefined> {
  return { fail_on: failOn };
}

/** A Date as the server's ISO form; a string is sent as given, for the server to check. */
function isoTime(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
