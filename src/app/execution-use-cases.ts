/** Reading executions: listings, one with its task statuses, events, custom state, task logs, checkpoints. */
import { HarmoniaError } from '../core/errors.js';
import { queryValueError } from '../core/query-value.js';
import type { EventListOptions, ExecutionListOptions, HarmoniaApi, LogPageOptions } from '../core/harmonia-api.js';
import { EXECUTION_SORT_KEYS, type ExecutionSort, type ExecutionStatus } from '../core/model.js';
import type { EventsPage, ExecutionDetail, TaskStatusView } from '../core/wire.js';
import type { Engine } from '../engine/engine-api.js';
import type { Store, TaskLogQuery } from '../store/store.js';
import { boundedInt, pageItems, pageOf } from './page.js';
import { refuseCursorPastHead } from './cursor-past-head.js';
import { timeFilter } from './time-filter.js';
import { assertTaskOf } from './task-of-execution.js';
import { checkpointView, executionView, logLineView } from './views.js';

export type ExecutionUseCases = Pick<
  HarmoniaApi,
  'listExecutions' | 'getWorkflowStatus' | 'listEvents' | 'getExecutionState' | 'readLogs' | 'listCheckpoints' | 'getCheckpoint'
>;

/** The engine's read side: folded task statuses, and reads that see the engine's own unflushed writes. */
export type ExecutionReader = Pick<Engine, 'getDetail' | 'getExecution' | 'readEvents' | 'readLogs' | 'loadState'>;

/** Events per page of an execution's history when no limit is given, and the most one page holds. */
export const EVENTS_PAGE_DEFAULT = 1000;
export const EVENTS_PAGE_MAX = 10_000;
/** Task log lines per page when no limit is given, and the most one page holds. */
export const LOGS_PAGE_DEFAULT = 1000;
export const LOGS_PAGE_MAX = 10_000;

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
const SORTS: readonly ExecutionSort[] = EXECUTION_SORT_KEYS.flatMap((key) => [key, `-${key}` as const]);

/** `<name>_since` and `<name>_until` normalised; REQUEST_INVALID when either is no time or they run backwards. */
function timeRange(name: string, since: string | Date | undefined, until: string | Date | undefined): { from?: string; to?: string } {
  const from = timeFilter(`${name}_since`, since);
  const to = timeFilter(`${name}_until`, until);
  if (from !== undefined && to !== undefined && from > to) {
    throw queryValueError(`${name}_since`, from, { expected: `a time at or before ${name}_until '${to}' (a range that moves forward)` });
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}
const STREAMS = ['stdout', 'stderr', 'system'] as const;
/** The longest search text: longer would match no id or ref. */
export const TEXT_MAX = 200;

/** Creates the execution reads over a store and the engine's read side. */
export function createExecutionUseCases(store: Store, engine: ExecutionReader): ExecutionUseCases {
  async function eventsPage(id: string, afterSeq: number, limit: number): Promise<EventsPage> {
    // One more than the page tells whether another page follows, without reading the whole history.
    const all = await engine.readEvents(id, afterSeq, limit + 1);
    const events = all.length > limit ? all.slice(0, limit) : all;
    return { execution_id: id, events, last_seq: events.at(-1)?.seq ?? afterSeq, has_more: all.length > limit };
  }

  return {
    async listExecutions(options: ExecutionListOptions = {}) {
      const page = pageOf(options);
      const { status, text } = options;
      if (status !== undefined && !STATUSES.includes(status)) {
        throw queryValueError('status', status, { accepted: STATUSES });
      }
      const since = timeRange('created', options.createdSince, options.createdUntil);
      const finished = timeRange('finished', options.finishedSince, options.finishedUntil);
      const sort = options.sort;
      if (sort !== undefined && !SORTS.includes(sort)) {
        throw queryValueError('sort', sort, { accepted: SORTS });
      }
      if (text !== undefined && text.length > TEXT_MAX) {
        throw queryValueError('text', text, { expected: `at most ${TEXT_MAX} characters` });
      }
      const found = await store.executions.listExecutions({
        ...(status !== undefined ? { status } : {}),
        ...(options.workflowRef !== undefined ? { workflow_ref: options.workflowRef } : {}),
        ...(since.from !== undefined ? { created_since: since.from } : {}),
        ...(since.to !== undefined ? { created_until: since.to } : {}),
        ...(finished.from !== undefined ? { finished_since: finished.from } : {}),
        ...(finished.to !== undefined ? { finished_until: finished.to } : {}),
        ...(sort !== undefined ? { sort } : {}),
        ...(text ? { text } : {}),
        ...page,
      });
      return { items: found.items.map(executionView), total: found.total, ...page };
    },
    async getWorkflowStatus(id): Promise<ExecutionDetail> {
      const { record, status } = await engine.getDetail(id);
      // a null prototype: a task may be called `__proto__`
      const taskStatuses = Object.create(null) as Record<string, TaskStatusView>;
      for (const [taskId, task] of Object.entries(status.task_statuses)) taskStatuses[taskId] = { ...task, duration: task.duration_ms };
      return {
        ...executionView(record),
        status: status.status,
        last_seq: Math.max(record.last_seq, status.last_seq),
        canceling: status.canceling,
        started_at: status.started_at,
        task_statuses: taskStatuses,
      };
    },
    async listEvents(id, options: EventListOptions = {}) {
      const afterSeq = boundedInt('after_seq', options.afterSeq, 0, 0, Number.MAX_SAFE_INTEGER);
      await engine.getExecution(id);
      if (options.limit !== undefined) return eventsPage(id, afterSeq, boundedInt('limit', options.limit, EVENTS_PAGE_DEFAULT, 1, EVENTS_PAGE_MAX));
      let page = await eventsPage(id, afterSeq, EVENTS_PAGE_DEFAULT);
      const events = [...page.events];
      while (page.has_more === true && page.events.length > 0) {
        page = await eventsPage(id, page.last_seq, EVENTS_PAGE_DEFAULT);
        events.push(...page.events);
      }
      return { execution_id: id, events, last_seq: page.last_seq, has_more: false };
    },
    async getExecutionState(id) {
      await engine.getExecution(id);
      return { execution_id: id, state: await engine.loadState(id) };
    },
    async readLogs(id, options: LogPageOptions = {}) {
      const after = boundedInt('after', options.after, 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = boundedInt('limit', options.limit, LOGS_PAGE_DEFAULT, 1, LOGS_PAGE_MAX);
      const query: TaskLogQuery = { after, limit };
      if (options.through !== undefined) query.through = boundedInt('through', options.through, 0, 0, Number.MAX_SAFE_INTEGER);
      if (options.task !== undefined && options.task !== '') query.task_id = options.task;
      if (options.attempt !== undefined) query.attempt = boundedInt('attempt', options.attempt, 1, 1, Number.MAX_SAFE_INTEGER);
      if (options.stream !== undefined) {
        const stream = STREAMS.find((s) => s === options.stream);
        if (!stream) throw queryValueError('stream', options.stream, { accepted: STREAMS });
        query.stream = stream;
      }
      const lines = await engine.readLogs(id, query);
      // An empty page is where a task the execution does not have shows (a line read proves it has it).
      if (lines.length === 0 && query.task_id !== undefined) await assertTaskOf(engine, id, query.task_id);
      // An empty page after a cursor is where one past the head shows (a line read proves it is not).
      if (lines.length === 0 && after > 0) refuseCursorPastHead(after, await store.executions.lastLogSeq(id), 'log line');
      return { execution_id: id, items: lines.map(logLineView), next: lines.length === limit ? (lines.at(-1)?.seq ?? null) : null };
    },
    async listCheckpoints(executionId, options = {}) {
      if (executionId === '') throw new HarmoniaError('REQUEST_INVALID', 'query parameter execution_id is required: checkpoints are listed per execution');
      pageOf(options);
      await engine.getExecution(executionId);
      return pageItems((await store.executions.listCheckpoints(executionId)).map(checkpointView), options);
    },
    async getCheckpoint(checkpointId) {
      const record = await store.executions.getCheckpoint(checkpointId);
      if (record === null) {
        throw new HarmoniaError('CHECKPOINT_NOT_FOUND', `checkpoint '${checkpointId}' does not exist`, { details: { checkpoint_id: checkpointId } });
      }
      return { ...checkpointView(record), snapshot: record.snapshot };
    },
  };
}
