/**
 * An execution's task log as an async iterator: pages through the stored lines, or with
 * `follow` streams them live over SSE, reconnecting after a dropped connection from the
 * last seq it yielded (no gap, no repeat) until the execution has finished.
 */
import type { TaskLogLineView, TaskLogPage } from '../core/wire.js';
import { UnavailableError } from './errors.js';
import { isRetriable, wait } from './reconnect.js';
import { parseSse } from './sse.js';
import type { Transport } from './transport.js';

export interface LogsOptions {
  /** Only this task's lines. */
  task?: string;
  /** Only this attempt's lines. */
  attempt?: number;
  stream?: 'stdout' | 'stderr' | 'system';
  /** Yield only lines with a larger seq. @default 0 */
  after?: number;
  /** Keep following new lines until the execution has finished. @default false */
  follow?: boolean;
  signal?: AbortSignal;
  /** Consecutive failed reconnects before giving up (follow). @default 10 */
  maxReconnects?: number;
  /**
   * With `follow`: told when the stream opens (`'open'`) and when it drops or a connect
   * fails and a reconnect is under way (`'reconnecting'`), so a viewer can say it is not
   * live while the server is away. Not called when the iteration ends.
   */
  onConnection?(state: 'open' | 'reconnecting'): void;
}

function filters(options: LogsOptions): Record<string, string | number> {
  const query: Record<string, string | number> = {};
  if (options.task !== undefined) query.task = options.task;
  if (options.attempt !== undefined) query.attempt = options.attempt;
  if (options.stream !== undefined) query.stream = options.stream;
  return query;
}

/** Yields `executionId`'s log lines in seq order. */
export async function* streamTaskLogs(transport: Transport, executionId: string, options: LogsOptions = {}): AsyncGenerator<TaskLogLineView, void, undefined> {
  const id = encodeURIComponent(executionId);
  let after = options.after ?? 0;
  if (options.follow !== true) {
    for (;;) {
      const page = await transport.request<TaskLogPage>('GET', `/api/v1/executions/${id}/logs`, { query: { ...filters(options), after }, signal: options.signal });
      for (const line of page.items) {
        after = line.seq;
        yield line;
      }
      if (page.next === null) return;
    }
  }
  const maxReconnects = options.maxReconnects ?? 10;
  let failures = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    if (failures > 0) await wait(Math.min(1000 * 2 ** (failures - 1), 30_000), options.signal);
    let progressed = false;
    try {
      const response = await transport.open('GET', `/events/executions/${id}/logs`, {
        query: filters(options),
        headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(after) },
        signal: options.signal,
      });
      if (response.body === null) throw new TypeError('the log stream answered without a body');
      options.onConnection?.('open');
      for await (const message of parseSse(response.body)) {
        if (message.event === 'end') return;
        if (message.event !== 'log' || message.data === '') continue;
        const line = JSON.parse(message.data) as TaskLogLineView;
        if (line.seq <= after) continue;
        after = line.seq;
        progressed = true;
        yield line;
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      if (error instanceof SyntaxError || !isRetriable(error)) throw error;
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > maxReconnects) {
      throw new UnavailableError('CONNECTION_ERROR', `lost the log stream of execution '${executionId}' and ${maxReconnects} reconnects failed`, { status: 0 });
    }
    options.onConnection?.('reconnecting');
  }
}
