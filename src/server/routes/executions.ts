/** /api/executions: start, list, inspect, control, read events and custom state. */
import type { ExecutionListOptions, HarmoniaApi } from '../../core/harmonia-api.js';
import { EXECUTION_SORT_KEYS, type ExecutionSort, type ExecutionStatus } from '../../core/model.js';
import type { ExecutionControlResult, ExecutionTaskRequest, PurgeExecutionsRequest, StartExecutionRequest } from '../../core/wire.js';
import { defineRoutes, type RouteDef } from '../route.js';
import { detailCacheFor } from '../detail-cache.js';
import { maskSecrets } from '../mask-secrets.js';
import { ITEM_PAGE_DEFAULT } from '../../app/execution-task-use-cases.js';
import { PAGE_MAX } from '../../app/page.js';
import { EVENTS_PAGE_DEFAULT, EVENTS_PAGE_MAX, intOption, PAGE_QUERY, pageQuery } from './paging.js';

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
/** The longest search text: longer would match no id or ref. */
const TEXT_MAX = 200;
const JSON_TYPE = 'application/json; charset=utf-8';
const notFound = { description: 'No such execution.', schema: 'Error' };

type ControlCall = 'pauseExecution' | 'resumeExecution' | 'cancelExecution' | 'terminateExecution' | 'retryExecution';

const CONTROLS: Array<{ path: string; call: ControlCall; summary: string }> = [
  { path: 'pause', call: 'pauseExecution', summary: 'Pause: running tasks finish, no new task starts.' },
  { path: 'suspend', call: 'pauseExecution', summary: 'The same as pause (the guide calls it suspend).' },
  { path: 'resume', call: 'resumeExecution', summary: 'Resume a paused execution.' },
  { path: 'cancel', call: 'cancelExecution', summary: 'Cancel: running tasks are aborted and the execution ends canceled.' },
  { path: 'terminate', call: 'terminateExecution', summary: 'Terminate at once, without running error handlers.' },
  { path: 'retry', call: 'retryExecution', summary: 'Retry a failed or canceled execution: every task that did not complete runs again.' },
];

const TASK_CONTROLS: Array<{ path: string; summary: string; apply: (app: HarmoniaApi, id: string, taskId: string) => Promise<ExecutionControlResult> }> = [
  {
    path: 'rerun',
    summary: 'Rerun a finished (completed, failed or canceled) execution from a task: it and everything downstream of it run again.',
    apply: (app, id, taskId) => app.rerunExecution(id, taskId),
  },
  {
    path: 'skip',
    summary: 'Skip a pending task of a running or paused execution; its dependants treat it as completed. A task not ready yet is skipped when its upstream is done.',
    apply: (app, id, taskId) => app.skipTask(id, taskId),
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
      409: {
        description:
          control.path === 'rerun'
            ? "Not allowed in the current status (EXEC_INVALID_STATE), or a sub-workflow whose parent no longer waits for it (EXEC_PARENT_FINISHED: rerun the parent)."
            : 'Not allowed in the current status (EXEC_INVALID_STATE).',
        schema: 'Error',
      },
    },
    handler: async (request, services) => {
      const { task_id } = request.body as ExecutionTaskRequest;
      return { body: await control.apply(services.app, request.params.id ?? '', task_id) };
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
      409: {
        description:
          control.call === 'retryExecution'
            ? "Not allowed in the current status (EXEC_INVALID_STATE), or a sub-workflow whose parent no longer waits for it (EXEC_PARENT_FINISHED: retry the parent)."
            : 'Not allowed in the current status (EXEC_INVALID_STATE).',
        schema: 'Error',
      },
    },
    handler: async (request, services) => ({ body: await services.app[control.call](request.params.id ?? '') }),
  };
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
        400: { description: 'An Idempotency-Key that is empty, longer than 255 characters or with characters outside printable ASCII.', schema: 'Error' },
        404: { description: 'Unknown workflow.', schema: 'Error' },
        422: {
          description: "The input does not match the workflow's input spec (EXEC_INPUT_INVALID), the workflow reads `${param.*}` and runs only once instantiated from a template (WORKFLOW_TEMPLATE_PARAMS), or the Idempotency-Key was used for another request (IDEMPOTENCY_KEY_REUSED).",
          schema: 'Error',
        },
      },
      handler: async (request, services) => {
        const key = request.header('Idempotency-Key');
        const { execution, replayed } = await services.app.startExecution(request.body as StartExecutionRequest, {
          ...(key !== undefined ? { idempotencyKey: key } : {}),
          caller: request.principal.id,
        });
        return { status: replayed ? 200 : 201, body: execution };
      },
    },
    {
      method: 'POST',
      path: '/executions/purge',
      base: 'api',
      scope: 'admin',
      tag: 'executions',
      summary:
        'Delete finished executions that finished longer ago than older_than, with their sub-workflows, events, checkpoints, state and task logs (retention on demand); dry_run only counts. Unfinished executions, and roots with an unfinished sub-workflow, stay.',
      body: { types: ['json'], schema: 'PurgeExecutionsRequest', required: true },
      responses: {
        200: { description: 'What was deleted (or would be).', schema: 'PurgeExecutionsResult' },
        400: { description: 'older_than is not a duration, or a status is not a finished one (REQUEST_INVALID).', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.purgeExecutions(request.body as PurgeExecutionsRequest) }),
    },
    {
      method: 'GET',
      path: '/executions',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'List executions, newest first or in another order, filtered by status, workflow, creation or finish time or text, a page at a time.',
      query: [
        { name: 'status', type: 'string', description: 'Only executions in this status.', enum: STATUSES },
        { name: 'workflow_ref', type: 'string', description: 'Only executions of this workflow.' },
        { name: 'created_since', type: 'string', description: 'Only executions created at or after this ISO 8601 time (with its offset) or date.' },
        { name: 'created_until', type: 'string', description: 'Only executions created before this ISO 8601 time (with its offset) or date.' },
        { name: 'finished_since', type: 'string', description: 'Only executions finished at or after this ISO 8601 time (with its offset) or date.' },
        { name: 'finished_until', type: 'string', description: 'Only executions finished before this ISO 8601 time (with its offset) or date.' },
        { name: 'text', type: 'string', description: `Only executions whose id starts or ends with this text or whose workflow ref contains it, ignoring ASCII case (at most ${TEXT_MAX} characters).` },
        {
          name: 'sort',
          type: 'string',
          description: 'The order: a key ascending, `-key` descending (default `-created_at`, newest first). By finished_at, unfinished executions come last.',
          enum: EXECUTION_SORT_KEYS.flatMap((key) => [key, `-${key}`]),
        },
        ...PAGE_QUERY,
      ],
      responses: { 200: { description: 'A page of executions.', schema: 'ExecutionList' } },
      handler: async (request, services) => {
        const q = request.query;
        // Values pass through as sent; the use-case refuses a status or sort it does not know.
        const options: ExecutionListOptions = {
          ...(q.status !== undefined ? { status: q.status as ExecutionStatus } : {}),
          ...(q.workflow_ref !== undefined ? { workflowRef: q.workflow_ref } : {}),
          ...(q.created_since !== undefined ? { createdSince: q.created_since } : {}),
          ...(q.created_until !== undefined ? { createdUntil: q.created_until } : {}),
          ...(q.finished_since !== undefined ? { finishedSince: q.finished_since } : {}),
          ...(q.finished_until !== undefined ? { finishedUntil: q.finished_until } : {}),
          ...(q.text !== undefined ? { text: q.text } : {}),
          ...(q.sort !== undefined ? { sort: q.sort as ExecutionSort } : {}),
          ...pageQuery(q),
        };
        return { body: await services.app.listExecutions(options) };
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
        // Taken before the row is read: a write after it moves the mark, so nothing newer is kept under an older mark.
        const mark = await services.engine.changeMark(id);
        const unmoved = mark === null ? undefined : cache.getByMark(id, mark);
        if (unmoved !== undefined) return { body: unmoved.body, content_type: JSON_TYPE, etag: unmoved.etag };
        // The row (or the runner's record) decides whether a kept answer is still this execution's.
        const record = await services.engine.getExecution(id);
        const hit = cache.get(record, mark);
        if (hit !== undefined) return { body: hit.body, content_type: JSON_TYPE, etag: hit.etag };
        const body = await services.app.getWorkflowStatus(id);
        const kept = cache.put(record, body.status, JSON.stringify(maskSecrets(body, masker)), mark);
        return { body: kept.body, content_type: JSON_TYPE, etag: kept.etag };
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
      handler: async (request, services) => ({ body: await services.app.getWorkflowSummary(request.params.id ?? '') }),
    },
    {
      method: 'GET',
      path: '/executions/:id/metrics',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'Durations, parallelism, attempts and retries of an execution.',
      responses: { 200: { description: 'The metrics.', schema: 'ExecutionMetrics' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getWorkflowMetrics(request.params.id ?? '') }),
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
        const afterSeq = intOption(request.query, 'after_seq');
        // Over HTTP a request is one page: the default page size when no limit is given.
        const limit = intOption(request.query, 'limit') ?? EVENTS_PAGE_DEFAULT;
        return { body: await services.app.listEvents(request.params.id ?? '', { ...(afterSeq !== undefined ? { afterSeq } : {}), limit }) };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id/tasks',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary:
        "A page of the execution's tasks folded from its history (status, every attempt with its times, error, skip, a fan-out's item counts) and the seq they are folded to: show them, then follow the stream after `last_seq`.",
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of tasks, in the order they first had an event.', schema: 'ExecutionTasksPage' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getExecutionTasks(request.params.id ?? '', pageQuery(request.query)) }),
    },
    {
      method: 'GET',
      path: '/executions/:id/tasks/:task_id',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: "One task folded from the execution's history, with its input, output and a page of a fan-out's items.",
      query: [
        { name: 'item_limit', type: 'integer', description: `Items of a fan-out per page, 1..${PAGE_MAX} (default ${ITEM_PAGE_DEFAULT}).` },
        { name: 'item_offset', type: 'integer', description: 'Items to skip (default 0).' },
      ],
      responses: {
        200: { description: 'The task.', schema: 'ExecutionTaskDetail' },
        400: { description: 'The execution has no such task (USAGE_INVALID), or a bad item_limit or item_offset.', schema: 'Error' },
        404: notFound,
      },
      handler: async (request, services) => {
        const itemLimit = intOption(request.query, 'item_limit');
        const itemOffset = intOption(request.query, 'item_offset');
        return {
          body: await services.app.getExecutionTask(request.params.id ?? '', request.params.task_id ?? '', {
            ...(itemLimit !== undefined ? { itemLimit } : {}),
            ...(itemOffset !== undefined ? { itemOffset } : {}),
          }),
        };
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
      handler: async (request, services) => ({ body: await services.app.getExecutionState(request.params.id ?? '') }),
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
