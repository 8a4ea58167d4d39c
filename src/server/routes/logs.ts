/** Task logs: a page of an execution's log lines, and the same followed live over SSE. */
import { queryValueError } from '../../core/query-value.js';
import type { TaskLogQuery } from '../../store/store.js';
import { defineRoutes, type RouteRequest } from '../route.js';
import { resumeSeq } from '../sse.js';
import type { StreamHub } from '../stream-hub.js';
import { streamLogs } from '../stream-logs.js';
import { intOption, intParam } from './paging.js';
import { refuseCursorPastHead } from '../../app/cursor-past-head.js';
import { assertTaskOf } from '../../app/task-of-execution.js';

export const LOGS_PAGE_DEFAULT = 1000;
export const LOGS_PAGE_MAX = 10_000;
const STREAMS = ['stdout', 'stderr', 'system'] as const;

const FILTERS = [
  { name: 'task', type: 'string' as const, description: 'Only this task\'s lines.' },
  { name: 'attempt', type: 'integer' as const, description: 'Only this attempt\'s lines (with `task`).' },
  { name: 'stream', type: 'string' as const, description: '`stdout`, `stderr` or `system` (the engine\'s and the action\'s own notes).' },
];

function filtersOf(request: RouteRequest): Omit<TaskLogQuery, 'limit' | 'after'> {
  const query = request.query;
  const filters: Omit<TaskLogQuery, 'limit' | 'after'> = {};
  if (query.task !== undefined && query.task !== '') filters.task_id = query.task;
  if (query.attempt !== undefined && query.attempt !== '') filters.attempt = intParam(query, 'attempt', 1, 1, Number.MAX_SAFE_INTEGER);
  if (query.stream !== undefined && query.stream !== '') {
    const stream = STREAMS.find((s) => s === query.stream);
    if (!stream) throw queryValueError('stream', query.stream, { accepted: STREAMS });
    filters.stream = stream;
  }
  return filters;
}

/** The log routes; `hub` tracks open streams for shutdown. */
export function logRoutes(hub: StreamHub) {
  return defineRoutes([
    {
      method: 'GET',
      path: '/executions/:id/logs',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: 'The task log lines of an execution after the cursor `after`, in order; read on from `next` while it is not null.',
      query: [
        ...FILTERS,
        { name: 'after', type: 'integer', description: 'Only lines with a larger seq (default 0); one past the execution\'s last line is a 400 naming it (`details.last`).' },
        { name: 'through', type: 'integer', description: 'Only lines up to this seq: a follower reads up to the head it saw, so a filter that matched nothing there is not scanned again.' },
        { name: 'limit', type: 'integer', description: `At most this many lines (default ${LOGS_PAGE_DEFAULT}, at most ${LOGS_PAGE_MAX}).` },
      ],
      responses: { 200: { description: 'One page of log lines.', schema: 'TaskLogPage' }, 404: { description: 'No such execution.', schema: 'Error' } },
      handler: async (request, services) => {
        const { task, stream } = request.query;
        const [attempt, after, through, limit] = [intOption(request.query, 'attempt'), intOption(request.query, 'after'), intOption(request.query, 'through'), intOption(request.query, 'limit')];
        const options = {
          ...(task !== undefined && task !== '' ? { task } : {}),
          ...(stream !== undefined && stream !== '' ? { stream: stream as 'stdout' } : {}),
          ...(attempt !== undefined ? { attempt } : {}),
          ...(after !== undefined ? { after } : {}),
          ...(through !== undefined ? { through } : {}),
          ...(limit !== undefined ? { limit } : {}),
        };
        return { body: await services.app.readLogs(request.params.id ?? '', options) };
      },
    },
    {
      method: 'GET',
      path: '/events/executions/:id/logs',
      base: 'root',
      scope: 'read',
      stream: 'sse',
      tag: 'streams',
      summary: 'Follow an execution\'s task log as Server-Sent Events (`event: log`, `id:` the seq): stored lines first, then live; resumes after Last-Event-ID; ends with `event: end` when the execution has finished.',
      query: [
        ...FILTERS,
        { name: 'after', type: 'integer', description: 'Start after this seq (Last-Event-ID takes precedence); one past the execution\'s last line is a 400 naming it (`details.last`).' },
        { name: 'token', type: 'string', description: 'Bearer token, for browsers whose EventSource cannot set headers.' },
      ],
      responses: {
        200: { description: 'A log stream.', content_type: 'text/event-stream' },
        404: { description: 'No such execution.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const id = request.params.id ?? '';
        const filters = filtersOf(request);
        const header = request.koa.get('Last-Event-ID');
        const after = header !== '' ? resumeSeq(request.koa) : intParam(request.query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
        await services.engine.getExecution(id);
        if (filters.task_id !== undefined) await assertTaskOf(services.engine, id, filters.task_id);
        if (after > 0) refuseCursorPastHead(after, await services.store.executions.lastLogSeq(id), 'log line');
        streamLogs(request.koa, { engine: services.engine, hub, execution_id: id, query: { ...filters, after }, keepalive_seconds: services.options.sse_keepalive_seconds, authorized: request.stillAuthorized });
        return { streamed: true };
      },
    },
  ]);
}
