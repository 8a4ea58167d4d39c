/**
 * Server-Sent Events: `event:` is the event type, `id:` its seq, `data:` the
 * masked event JSON. A reconnecting EventSource sends Last-Event-ID and resumes
 * right after it. A client whose socket buffer passes the limit is disconnected
 * rather than allowed to hold the engine back.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { ExecutionEvent } from '../core/model.js';
import { HarmoniaError } from '../core/errors.js';
import { eventJson } from './event-json.js';
import type { EventSink } from './stream-events.js';
import type { StreamHub } from './stream-hub.js';

export interface SseOptions {
  /** Bytes the socket may hold unsent before the client is dropped. */
  buffer_bytes: number;
  keepalive_seconds: number;
  hub: StreamHub;
  /** Id sent with each event; the execution stream uses the seq. */
  event_id: (event: ExecutionEvent) => string;
}

/** The seq to resume after: Last-Event-ID header, else `?after_seq=`, else 0. */
export function resumeSeq(ctx: Context): number {
  const raw = ctx.get('Last-Event-ID') || (typeof ctx.query.after_seq === 'string' ? ctx.query.after_seq : '') || '0';
  const seq = Number(raw);
  if (!Number.isInteger(seq) || seq < 0) {
    throw new HarmoniaError('REQUEST_INVALID', `resume position '${raw}' must be a non-negative integer seq`);
  }
  return seq;
}

/** An SSE stream's sink: execution events, plus named messages without an id (pack events). */
export interface SseSink extends EventSink {
  /** Writes `event: <name>` with `data: <json>` and no `id:`, so a reconnect's Last-Event-ID is unchanged. */
  sendNamed(name: string, json: string): boolean;
}

/** Writes the SSE response head and returns a sink for events plus the function that ends the stream. */
export function openSse(ctx: Context, options: SseOptions, onClose: () => void): SseSink {
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
  const keepalive = setInterval(() => {
    if (!closed) res.write(': keep-alive\n\n');
  }, options.keepalive_seconds * 1000);
  keepalive.unref();

  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unregister();
    onClose();
  };
  const unregister = options.hub.add((reason) => {
    if (!closed) res.end(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
    finish();
  });
  res.on('close', finish);

  return {
    send(event) {
      if (closed) return false;
      if (res.writableLength > options.buffer_bytes) return false;
      res.write(`id: ${options.event_id(event)}\nevent: ${event.event_type}\ndata: ${eventJson(event)}\n\n`);
      return true;
    },
    sendNamed(name, json) {
      if (closed) return false;
      if (res.writableLength > options.buffer_bytes) return false;
      res.write(`event: ${name}\ndata: ${json}\n\n`);
      return true;
    },
    close(reason) {
      if (closed) return;
      // a dropped client reconnects with Last-Event-ID; destroying stops anything more being queued
      res.destroy();
      finish();
    },
  };
}
