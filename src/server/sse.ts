/**
 * Server-Sent Events: `event:` is the event type, `id:` its cursor (the seq on an
 * execution's stream, the global position on the all-events stream), `data:` the masked
 * event JSON. A reconnecting EventSource sends Last-Event-ID and resumes right after it.
 * Messages go through a bounded outbox written only while the socket keeps up; a client
 * that falls behind gets `event: close` with the cursor to resume from, and the stream ends.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { HarmoniaError } from '../core/errors.js';
import { queryValueError } from '../core/query-value.js';
import { createOutbox, type Outbox, type OutboxData } from './stream-outbox.js';
import type { StreamHub } from './stream-hub.js';

export interface SseOptions {
  /** Bytes the socket may hold unsent before writing pauses until it drains. */
  buffer_bytes: number;
  /** Messages queued for the client before it counts as fallen behind and is dropped. */
  queue_messages: number;
  keepalive_seconds: number;
  hub: StreamHub;
  /** Asked at each keep-alive: false ends the stream (its token was revoked or expired). */
  authorized?: () => boolean;
}

/** The reason a stream whose token is no longer accepted ends with; its reconnect is answered 401. */
export const TOKEN_GONE = 'the token is no longer accepted (revoked or expired); reconnect with a valid one';

/**
 * The cursor to resume after: Last-Event-ID header, else the query parameter `name`, else
 * `fallback`. Thrown (REQUEST_INVALID) when it is not a non-negative integer.
 */
export function resumeCursor(ctx: Context, name: string, fallback: number | null): number | null {
  const header = ctx.get('Last-Event-ID');
  const query = ctx.query[name];
  // an empty value is an absent one, as on the REST routes and the WebSocket
  const raw = header !== '' ? header : typeof query === 'string' && query !== '' ? query : null;
  if (raw === null) return fallback;
  if (!/^\d{1,16}$/.test(raw)) {
    const expected = 'a non-negative integer (the id of the last event received)';
    if (header === '') throw queryValueError(name, raw, { expected });
    throw new HarmoniaError('REQUEST_INVALID', `resume position '${raw.slice(0, 40)}' must be ${expected}`, { details: { header: 'Last-Event-ID', expected } });
  }
  return Number(raw);
}

/** The seq to resume an execution's stream after: Last-Event-ID header, else `?after_seq=`, else 0. */
export function resumeSeq(ctx: Context): number {
  return resumeCursor(ctx, 'after_seq', 0) ?? 0;
}

/** An open SSE stream. */
export interface SseStream {
  /** Queues a message worth `events` events (`cursor` '' for one without an id); false when the client fell behind. */
  push(text: OutboxData, cursor: string, events?: number): boolean;
  readonly outbox: Outbox;
  /** Ends the stream with `event: close` carrying `reason` and the cursor to resume after. */
  drop(reason: string): void;
}

// A dropped client whose socket stays full this long after the close message is cut.
const DROP_GRACE_MS = 30_000;

/** Writes the SSE response head and returns the stream; `onClose` runs once when it ends. */
export function openSse(ctx: Context, options: SseOptions, onClose: () => void): SseStream {
  const res: ServerResponse = ctx.res;
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setTimeout(0);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    'X-Request-Id': String(ctx.state.request_id ?? ''),
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  const outbox = createOutbox({
    max_messages: options.queue_messages,
    buffer_bytes: options.buffer_bytes,
    transport: {
      write: (messages) => void res.write(messages.length === 1 ? (messages[0] as OutboxData) : joined(messages)),
      buffered: () => res.writableLength,
      onceDrained: (fn) => {
        if (res.writableNeedDrain) res.once('drain', fn);
        else setImmediate(fn);
      },
    },
  });
  const keepalive = setInterval(() => {
    if (options.authorized !== undefined && !options.authorized()) {
      end(TOKEN_GONE);
      return;
    }
    // a keep-alive is only worth sending on an idle stream
    if (!closed && outbox.size() === 0 && res.writableLength === 0) res.write(': keep-alive\n\n');
  }, options.keepalive_seconds * 1000);
  keepalive.unref();

  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    outbox.close();
    unregister();
    onClose();
  };
  const end = (reason: string): void => {
    if (closed) return;
    const resumeAfter = outbox.lastCursor();
    res.end(`event: close\ndata: ${JSON.stringify({ reason, ...(resumeAfter !== '' ? { resume_after: resumeAfter } : {}) })}\n\n`);
    const cut = setTimeout(() => res.destroy(), DROP_GRACE_MS);
    cut.unref();
    res.once('close', () => clearTimeout(cut));
    finish();
  };
  const unregister = options.hub.add(end, () => ({ kind: 'sse', queued: outbox.size(), buffered_bytes: res.writableLength }));
  res.on('close', finish);

  return {
    push: (text, cursor, events) => !closed && outbox.push(text, cursor, events),
    outbox,
    drop: end,
  };
}

/** Messages as one write: text joined as text, anything with bytes as bytes. */
function joined(messages: readonly OutboxData[]): OutboxData {
  if (messages.every((m) => typeof m === 'string')) return messages.join('');
  return Buffer.concat(messages.map((m) => (typeof m === 'string' ? Buffer.from(m, 'utf8') : m)));
}
