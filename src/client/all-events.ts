/**
 * Every execution's events as an async iterator over the all-events SSE stream, resumed
 * by itself: it remembers the global `position` of the last event it yielded and
 * reconnects with it as Last-Event-ID after a network blip, a server restart or a drop
 * for reading too slowly, so a consumer sees each stored event once and in order.
 */
import type { ExecutionEvent } from '../core/model.js';
import { HarmoniaClientError, UnavailableError } from './errors.js';
import { isRetriable, wait } from './reconnect.js';
import { parseSse } from './sse.js';
import type { Transport } from './transport.js';

export interface AllEventsOptions {
  /** Yield only events after this global position; 0 replays every stored event. @default only events from now on */
  afterPosition?: number;
  /** Aborting ends the iteration with the signal's reason. */
  signal?: AbortSignal;
  /** Consecutive failed reconnects before giving up with UnavailableError. @default 10 */
  maxReconnects?: number;
  /** Delay before the second and later reconnects; the server's `retry:` hint wins. @default 1000 */
  reconnectDelayMs?: number;
}

const MAX_DELAY_MS = 30_000;

/** Yields every execution's events in global position order, reconnecting as needed; ends only when aborted or broken out of. */
export async function* streamAllEvents(transport: Transport, options: AllEventsOptions = {}): AsyncGenerator<ExecutionEvent, void, undefined> {
  const maxReconnects = options.maxReconnects ?? 10;
  let last: number | null = options.afterPosition ?? null;
  let delayMs = options.reconnectDelayMs ?? 1000;
  let failures = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    if (failures > 0) await wait(Math.min(delayMs * 2 ** (failures - 1), MAX_DELAY_MS), options.signal);
    let progressed = false;
    let cause: unknown;
    try {
      const response = await transport.open('GET', '/events', {
        headers: { Accept: 'text/event-stream', ...(last !== null ? { 'Last-Event-ID': String(last) } : {}) },
        signal: options.signal,
      });
      if (response.body === null) throw new TypeError('the event stream answered without a body');
      // the first connection from "now" learns its position from the first event it gets
      for await (const message of parseSse(response.body)) {
        if (message.retry !== undefined) delayMs = message.retry;
        if (message.id === '' || message.data === '' || message.event === 'close') continue;
        const event = JSON.parse(message.data) as ExecutionEvent;
        const position = event.position ?? Number(message.id);
        if (last !== null && position <= last) continue;
        last = position;
        progressed = true;
        yield event;
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      if (error instanceof SyntaxError || (error instanceof HarmoniaClientError && !isRetriable(error))) throw error;
      cause = error;
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > maxReconnects) {
      throw new UnavailableError('CONNECTION_ERROR', `lost the all-events stream and ${maxReconnects} reconnects failed`, { status: 0, cause });
    }
  }
}
