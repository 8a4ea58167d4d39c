/**
 * An execution's events as an async iterator over SSE that survives dropped
 * connections: it remembers the last seq it yielded, reconnects with
 * Last-Event-ID, and skips anything at or below that seq, so a consumer sees each
 * event once and in order. A hole in the seqs is filled from the REST history.
 */
import type { ExecutionEvent, ExecutionStatus } from '../core/model.js';
import type { EventsPage, ExecutionView } from '../core/wire.js';
import { HarmoniaClientError, UnavailableError } from './errors.js';
import { isRetriable, wait } from './reconnect.js';
import { parseSse } from './sse.js';
import type { Transport } from './transport.js';

export interface EventsOptions {
  /** Yield only events with a seq above this one. @default 0 (the whole history) */
  afterSeq?: number;
  /**
   * End the iteration once the execution has finished (completed, failed or canceled)
   * and its terminal event has been yielded; events appended after it (a checkpoint of
   * the finished run) are not waited for. Each reconnect asks for the execution's status
   * first, so a run that finished while the connection was down ends the iteration too. Set false to follow an
   * execution across a retry until you break out. @default true
   */
  untilFinished?: boolean;
  /** Aborting ends the iteration with the signal's reason. */
  signal?: AbortSignal;
  /** Consecutive failed reconnects before giving up with UnavailableError. @default 10 */
  maxReconnects?: number;
  /** Delay before the second and later reconnects; the server's `retry:` hint wins. @default 1000 */
  reconnectDelayMs?: number;
  /**
   * Told when the stream opens (`'open'`) and when it drops or a connect fails and a
   * reconnect is under way (`'reconnecting'`), so a viewer can say it is not live while
   * the server is away. Not called when the iteration ends (finished, aborted, given up).
   */
  onConnection?(state: 'open' | 'reconnecting'): void;
}

/** Statuses an execution does not leave on its own. */
export const FINISHED_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['completed', 'failed', 'canceled']);

const FINISHING_EVENTS: ReadonlySet<string> = new Set(['workflow_completed', 'workflow_failed', 'workflow_canceled']);
const MAX_DELAY_MS = 30_000;

/** Yields `executionId`'s events in seq order, reconnecting as needed. */
export async function* streamExecutionEvents(
  transport: Transport,
  executionId: string,
  options: EventsOptions = {},
): AsyncGenerator<ExecutionEvent, void, undefined> {
  const id = encodeURIComponent(executionId);
  const untilFinished = options.untilFinished ?? true;
  const maxReconnects = options.maxReconnects ?? 10;
  let lastSeq = options.afterSeq ?? 0;
  let delayMs = options.reconnectDelayMs ?? 1000;
  // consecutive connections that brought no new event; the first reconnect after progress is immediate
  let failures = 0;
  let connects = 0;

  const giveUp = (cause?: unknown): UnavailableError =>
    new UnavailableError('CONNECTION_ERROR', `lost the event stream of execution '${executionId}' and ${maxReconnects} reconnects failed`, {
      status: 0,
      cause,
    });
  const isFinished = async (): Promise<boolean> => {
    const execution = await transport.request<ExecutionView>('GET', `/api/v1/executions/${id}`, { signal: options.signal });
    return FINISHED_STATUSES.has(execution.status);
  };

  for (;;) {
    options.signal?.throwIfAborted();
    if (failures > 0) await wait(Math.min(delayMs * 2 ** (failures - 1), MAX_DELAY_MS), options.signal);
    let response: Response;
    try {
      // Every (re)connect asks the execution itself: a run that finished while we were away
      // (or before we came) ends the wait however many events follow its terminal one.
      // (Not before a first connect from the start: that replays the terminal event anyway.)
      if (untilFinished && (connects > 0 || lastSeq > 0) && (await isFinished())) {
        for (const event of await readToLastFinish(transport, id, lastSeq, options.signal)) yield event;
        return;
      }
      connects += 1;
      response = await transport.open('GET', `/events/executions/${id}`, {
        headers: { Accept: 'text/event-stream', ...(lastSeq > 0 ? { 'Last-Event-ID': String(lastSeq) } : {}) },
        signal: options.signal,
      });
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!isRetriable(error)) throw error;
      failures += 1;
      if (failures > maxReconnects) throw giveUp(error);
      options.onConnection?.('reconnecting');
      continue;
    }
    options.onConnection?.('open');
    let progressed = false;
    let dropped: unknown;
    try {
      if (response.body === null) throw new TypeError('the event stream answered without a body');
      for await (const message of parseSse(response.body)) {
        if (message.retry !== undefined) delayMs = message.retry;
        if (message.event === 'close' || message.data === '') continue;
        const event = JSON.parse(message.data) as ExecutionEvent;
        if (event.seq <= lastSeq) continue;
        if (event.seq > lastSeq + 1) {
          for (const missed of await readHistory(transport, id, lastSeq, event.seq, options.signal)) {
            lastSeq = missed.seq;
            progressed = true;
            yield missed;
          }
        }
        lastSeq = event.seq;
        progressed = true;
        yield event;
        // A terminal event ends the wait when the execution is still finished now (a retry
        // may have reopened it); events after it (a checkpoint, a rebuild) do not matter.
        if (untilFinished && FINISHING_EVENTS.has(event.event_type) && (await isFinished())) return;
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      if (error instanceof SyntaxError || (error instanceof HarmoniaClientError && !isRetriable(error))) throw error;
      dropped = error;
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > maxReconnects) throw giveUp(dropped);
    options.onConnection?.('reconnecting');
  }
}

/**
 * The stored events after `afterSeq` up to and including the last terminal event, for an
 * execution that has finished: what a waiter still has to see. Empty when the terminal
 * event is at or below `afterSeq` already.
 */
async function readToLastFinish(transport: Transport, id: string, afterSeq: number, signal: AbortSignal | undefined): Promise<ExecutionEvent[]> {
  const events: ExecutionEvent[] = [];
  let after = afterSeq;
  for (;;) {
    const page = await transport.request<EventsPage>('GET', `/api/v1/executions/${id}/events`, { query: { after_seq: after }, signal });
    events.push(...page.events.filter((e) => e.seq > after));
    if (page.has_more !== true || page.events.length === 0 || page.last_seq <= after) break;
    after = page.last_seq;
  }
  let end = -1;
  events.forEach((event, index) => {
    if (FINISHING_EVENTS.has(event.event_type)) end = index;
  });
  return events.slice(0, end + 1);
}

async function readHistory(
  transport: Transport,
  id: string,
  afterSeq: number,
  beforeSeq: number,
  signal: AbortSignal | undefined,
): Promise<ExecutionEvent[]> {
  const events: ExecutionEvent[] = [];
  let after = afterSeq;
  // the server sends a page at a time; read on while it has more and the gap is not filled
  for (;;) {
    const page = await transport.request<EventsPage>('GET', `/api/v1/executions/${id}/events`, { query: { after_seq: after }, signal });
    events.push(...page.events);
    if (page.has_more !== true || page.events.length === 0 || page.last_seq <= after || page.last_seq >= beforeSeq - 1) break;
    after = page.last_seq;
  }
  return events.filter((e) => e.seq > afterSeq && e.seq < beforeSeq).sort((a, b) => a.seq - b.seq);
}
