/** /api/executions: start, list, inspect, control, read events and custom state. */
import { createHash } from 'node:crypto';
import { HarmoniaError, isHarmoniaError } from '../../core/errors.js';
import type { ExecutionRecord, ExecutionStatus, WorkflowDef } from '../../core/model.js';
import type {
  ExecutionDetail,
  ExecutionMetricsView,
  ExecutionSummaryView,
  ExecutionTaskRequest,
  StartExecutionRequest,
  TaskStatusView,
} from '../../core/wire.js';
import type { Engine } from '../../engine/index.js';
import { defineRoutes, type RouteDef } from '../route.js';
import { detailCacheFor } from '../detail-cache.js';
import { maskSecrets } from '../mask-secrets.js';
import { executionView } from '../views.js';
import { EVENTS_PAGE_DEFAULT, EVENTS_PAGE_MAX, intParam, pageOf } from './paging.js';
import { timeParam } from './time-param.js';

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
/** The longest search text: longer would match no id or ref. */
const TEXT_MAX = 200;
const JSON_TYPE = 'application/json; charset=utf-8';
const notFound = { description: 'No such execution.', schema: 'Error' };

type ControlVerb = 'pause' | 'resume' | 'cancel' | 'terminate' | 'retry';

const CONTROLS: Array<{ path: string; verb: ControlVerb; summary: string }> = [
  { path: 'pause', verb: 'pause', summary: 'Pause: running tasks finish, no new task starts.' },
  { path: 'suspend', verb: 'pause', summary: 'The same as pause (the guide calls it suspend).' },
  { path: 'resume', verb: 'resume', summary: 'Resume a paused execution.' },
  { path: 'cancel', verb: 'cancel', summary: 'Cancel: running tasks are aborted and the execution ends canceled.' },
  { path: 'terminate', verb: 'terminate', summary: 'Terminate at once, without running error handlers.' },
  { path: 'retry', verb: 'retry', summary: 'Retry a failed or canceled execution: every task that did not complete runs again.' },
];

const TASK_CONTROLS: Array<{ path: string; summary: string; apply: (engine: Engine, id: string, taskId: string) => Promise<ExecutionRecord> }> = [
  {
    path: 'rerun',
    summary: 'Rerun a finished (completed, failed or canceled) execution from a task: it and everything downstream of it run again.',
    apply: (engine, id, taskId) => engine.rerunFrom(id, taskId),
  },
  {
    path: 'skip',
    summary: 'Skip a pending task of a running or paused execution; its dependants treat it as completed. A task not ready yet is skipped when its upstream is done.',
    apply: (engine, id, taskId) => engine.skipTask(id, taskId),
  },
];

function taskControlRoute(control: (typeof TASK_CONTROLS)[number]): RouteDef {
  return {
    method: 'POST',
    path: `/executions/:id/${control.path}`,
    base: 'api',
    scope: 'write',
    tag: 'executions',
    summary: control.summary,
    body: { types: ['json'], schema: 'ExecutionTaskRequest', required: true },
    responses: {
      200: { description: 'The status after the request.', schema: 'ExecutionControlResult' },
      400: { description: 'The execution has no such task (USAGE_INVALID), or the body is invalid.', schema: 'Error' },
      404: notFound,
      409: { description: 'Not allowed in the current status (EXEC_INVALID_STATE).', schema: 'Error' },
    },
    handler: async (request, services) => {
      const { task_id } = request.body as ExecutionTaskRequest;
      const record = await control.apply(services.engine, request.params.id ?? '', task_id);
      return { body: { execution_id: record.id, status: record.status, execution: executionView(record) } };
    },
  };
}

function controlRoute(control: (typeof CONTROLS)[number]): RouteDef {
  return {
    method: 'POST',
    path: `/executions/:id/${control.path}`,
    base: 'api',
    scope: 'write',
    tag: 'executions',
    summary: control.summary,
    responses: {
      200: { description: 'The status after the request.', schema: 'ExecutionControlResult' },
      404: notFound,
      409: { description: 'Not allowed in the current status (EXEC_INVALID_STATE).', schema: 'Error' },
    },
    handler: async (request, services) => {
      const engine: Engine = services.engine;
      const record: ExecutionRecord = await engine[control.verb](request.params.id ?? '');
      return { body: { execution_id: record.id, status: record.status, execution: executionView(record) } };
    },
  };
}

/**
 * The execution id an Idempotency-Key stands for: a hash of the caller and the key, so the
 * same retried request finds its execution and two callers never share one.
 * Thrown when the key is not 1–255 printable ASCII characters: REQUEST_INVALID.
 */
function idempotentExecutionId(principal: string, key: string): string {
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HarmoniaError('REQUEST_INVALID', 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces');
  }
  const hex = createHash('sha256').update(`${principal}\0${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The earlier execution of a key, if it was started for the same workflow. Thrown otherwise: STORE_CONFLICT. */
function sameRequest(earlier: ExecutionRecord, body: StartExecutionRequest, key: string): ExecutionRecord {
  const same = body.workflow_id !== undefined ? earlier.workflow_id === body.workflow_id : earlier.workflow_ref === body.workflow_ref;
  if (same) return earlier;
  throw new HarmoniaError('STORE_CONFLICT', `Idempotency-Key '${key}' was already used to start workflow '${earlier.workflow_ref}'; use a new key for another request`, {
    details: { execution_id: earlier.id },
  });
}

/** The execution routes. */
export function executionRoutes() {
  return defineRoutes([
    {
      method: 'POST',
      path: '/executions',
      base: 'api',
      scope: 'write',
      tag: 'executions',
      summary: 'Start an execution of a workflow (by version id or ref) with an input.',
      body: { types: ['json'], schema: 'StartExecutionRequest', required: true },
      headers: [{ name: 'Idempotency-Key', description: 'Retrying a request with the same key (per caller) answers 200 with the execution the first one started, never a second execution.' }],
      responses: {
        200: { description: 'An earlier request with the same Idempotency-Key started this execution.', schema: 'ExecutionView' },
        201: { description: 'Started.', schema: 'ExecutionView' },
        400: { description: 'An Idempotency-Key longer than 255 characters or with characters outside printable ASCII.', schema: 'Error' },
        409: { description: 'The Idempotency-Key was used for another workflow.', schema: 'Error' },
        404: { description: 'Unknown workflow.', schema: 'Error' },
        422: { description: 'The input does not match the workflow\'s input spec.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const body = request.body as StartExecutionRequest;
        const key = request.koa.get('Idempotency-Key');
        const id = key === '' ? undefined : idempotentExecutionId(request.principal.id, key);
        if (id !== undefined) {
          const earlier = await services.store.executions.getExecution(id);
          if (earlier) return { status: 200, body: executionView(sameRequest(earlier, body, key)) };
        }
        const start = () =>
          services.engine.startExecution({
            ...(body.workflow_id !== undefined ? { workflow_id: body.workflow_id } : {}),
            ...(body.workflow_ref !== undefined ? { workflow_ref: body.workflow_ref } : {}),
            input: body.input ?? {},
            ...(id !== undefined ? { id } : {}),
          });
        try {
          return { status: 201, body: executionView(await start()) };
        } catch (error) {
          // Two requests with one key at once: the second finds the first's execution.
          const earlier = id !== undefined && isHarmoniaError(error) && error.code === 'STORE_CONFLICT' ? await services.store.executions.getExecution(id) : null;
          if (!earlier) throw error;
          return { status: 200, body: executionView(sameRequest(earlier, body, key)) };
        }
      },
    },
    {
      method: 'GET',
      path: '/executions',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'List executions, newest first, filtered by status, workflow, creation time or text, a page at a time.',
      query: [
        { name: 'status', type: 'string', description: STATUSES.join(' | ') },
        { name: 'workflow_ref', type: 'string', description: 'Only executions of this workflow.' },
        { name: 'created_since', type: 'string', description: 'Only executions created at or after this ISO 8601 time (with its offset) or date.' },
        { name: 'created_until', type: 'string', description: 'Only executions created before this ISO 8601 time (with its offset) or date.' },
        { name: 'text', type: 'string', description: `Only executions whose id starts with this text or whose workflow ref contains it, ignoring ASCII case (at most ${TEXT_MAX} characters).` },
        { name: 'limit', type: 'integer', description: 'Page size, 1..1000 (default 50).' },
        { name: 'offset', type: 'integer', description: 'Items to skip.' },
      ],
      responses: { 200: { description: 'A page of executions.', schema: 'ExecutionList' } },
      handler: async (request, services) => {
        const page = pageOf(request.query);
        const status = request.query.status;
        if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
          throw new HarmoniaError('REQUEST_INVALID', `status '${status}' is not one of ${STATUSES.join(', ')}`);
        }
        const since = timeParam(request.query, 'created_since');
        const until = timeParam(request.query, 'created_until');
        if (since !== undefined && until !== undefined && since > until) {
          throw new HarmoniaError('REQUEST_INVALID', `created_since '${since}' is after created_until '${until}'; expected a range that moves forward`);
        }
        const text = request.query.text;
        if (text !== undefined && text.length > TEXT_MAX) {
          throw new HarmoniaError('REQUEST_INVALID', `query parameter text is ${text.length} characters long; expected at most ${TEXT_MAX}`);
        }
        const found = await services.store.executions.listExecutions({
          ...(status !== undefined ? { status: status as ExecutionStatus } : {}),
          ...(request.query.workflow_ref !== undefined ? { workflow_ref: request.query.workflow_ref } : {}),
          ...(since !== undefined ? { created_since: since } : {}),
          ...(until !== undefined ? { created_until: until } : {}),
          ...(text ? { text } : {}),
          ...page,
        });
        return { body: { items: found.items.map(executionView), total: found.total, ...page } };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'An execution with the status of every task (`task_statuses`).',
      responses: { 200: { description: 'The execution.', schema: 'ExecutionDetail' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        const masker = services.engine.secrets;
        const cache = detailCacheFor(masker);
        // The row (or the runner's record) decides whether a kept answer is still this execution's.
        const hit = cache.get(await services.engine.getExecution(id));
        if (hit !== undefined) return { body: hit, content_type: JSON_TYPE };
        const { record, status } = await services.engine.getDetail(id);
        // a null prototype: a task may be called `__proto__`
        const taskStatuses = Object.create(null) as Record<string, TaskStatusView>;
        for (const [taskId, task] of Object.entries(status.task_statuses)) {
          taskStatuses[taskId] = { ...task, duration: task.duration_ms };
        }
        const body: ExecutionDetail = {
          ...executionView(record),
          status: status.status,
          last_seq: Math.max(record.last_seq, status.last_seq),
          canceling: status.canceling,
          started_at: status.started_at,
          task_statuses: taskStatuses,
        };
        return { body: cache.put(record, status.status, JSON.stringify(maskSecrets(body, masker))), content_type: JSON_TYPE };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id/summary',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'Task counts, duration, attempts, failed tasks and output of an execution.',
      responses: { 200: { description: 'The summary.', schema: 'ExecutionSummary' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        const summary = await services.engine.getSummary(id);
        const record = await services.engine.getExecution(id);
        const workflow = await services.store.registry.getById(record.workflow_id);
        const body: ExecutionSummaryView = {
          ...summary,
          workflow_name: (workflow?.body as WorkflowDef | undefined)?.name ?? summary.workflow_ref,
          task_count: summary.tasks.total,
          completed_tasks: summary.tasks.completed,
        };
        return { body };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id/metrics',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'Durations, parallelism, attempts and retries of an execution.',
      responses: { 200: { description: 'The metrics.', schema: 'ExecutionMetrics' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        const metrics = await services.engine.getMetrics(id);
        const status = await services.engine.getStatus(id);
        const finished = Object.values(status.task_statuses).filter((t) => t.finished_at !== null);
        const body: ExecutionMetricsView = {
          ...metrics,
          events_by_type: { ...metrics.events_by_type },
          total_duration: metrics.duration_ms,
          average_task_duration:
            finished.length === 0 ? null : Math.round(finished.reduce((sum, t) => sum + t.duration_ms, 0) / finished.length),
          total_retries: metrics.retries,
        };
        return { body };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id/events',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'The execution\'s events after `after_seq`, in seq order, at most `limit` of them; while `has_more`, read on with `after_seq=last_seq`.',
      query: [
        { name: 'after_seq', type: 'integer', description: 'Only events with a higher seq (default 0).' },
        { name: 'limit', type: 'integer', description: `At most this many events (default ${EVENTS_PAGE_DEFAULT}, at most ${EVENTS_PAGE_MAX}).` },
      ],
      responses: { 200: { description: 'One page of events.', schema: 'EventsPage' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        const afterSeq = intParam(request.query, 'after_seq', 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = intParam(request.query, 'limit', EVENTS_PAGE_DEFAULT, 1, EVENTS_PAGE_MAX);
        await services.engine.getExecution(id);
        // One more than the page tells whether another page follows, without reading the whole history.
        const all = await services.engine.readEvents(id, afterSeq, limit + 1);
        const events = all.length > limit ? all.slice(0, limit) : all;
        return { body: { execution_id: id, events, last_seq: events.at(-1)?.seq ?? afterSeq, has_more: all.length > limit } };
      },
    },
    ...CONTROLS.map(controlRoute),
    ...TASK_CONTROLS.map(taskControlRoute),
    {
      method: 'GET',
      path: '/executions/:id/state',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'The custom state saved for an execution (`${state.*}` in expressions).',
      responses: { 200: { description: 'The state.', schema: 'State' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        await services.engine.getExecution(id);
        return { body: { execution_id: id, state: await services.engine.loadState(id) } };
      },
    },
    {
      method: 'PUT',
      path: '/executions/:id/state',
      base: 'api',
      scope: 'write',
      tag: 'executions',
      summary: 'Replace the custom state of an execution.',
      body: { types: ['json'], schema: 'SaveStateRequest', required: true },
      responses: { 200: { description: 'The saved state.', schema: 'State' }, 404: notFound },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        await services.engine.getExecution(id);
        await services.engine.saveState(id, request.body as Record<string, unknown>);
        return { body: { execution_id: id, state: await services.engine.loadState(id) } };
      },
    },
  ]);
}
