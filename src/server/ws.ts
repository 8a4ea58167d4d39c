/**
 * WebSocket endpoints on the HTTP server's port (`ws`, noServer): the handshake
 * is authenticated (Authorization header or `?token=`) and its Origin checked
 * before the upgrade; each event is sent as its masked JSON through a bounded outbox
 * (a client that falls behind gets `{type:"close", resume_after}` and is closed), and
 * `{type:"ping"}` is answered with `{type:"pong"}` — at most `ws_messages_per_second`
 * of them, and only while the socket keeps up: past either, reading from the client stops.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { HarmoniaError } from '../core/errors.js';
import { queryValueError } from '../core/query-value.js';
import type { WsLogMessage, WsServerMessage } from '../core/wire.js';
import type { TaskLogQuery } from '../store/store.js';
import { refuseNul } from './read-body.js';
import { checkQueryEscapes, decodePathSegment, queryOf, refuseRepeats } from './percent-decode.js';
import { followLogLines } from './stream-logs.js';
import { logLineView } from './views.js';
import { admitRequest } from './admit-request.js';
import { bearerFrom, type Authenticator } from './auth.js';
import { errorResponse } from './error-middleware.js';
import { batchWsFrames, eventWsFrame, wsTextFrame } from './event-json.js';
import { maskUrl } from './mask-secrets.js';
import type { AppServices, StreamRouteDef } from './route.js';
import { globalFeedOf } from './global-feed-of.js';
import { EXECUTION_GONE, streamAllEvents, streamExecutionEvents, type BatchSink, type EventSink } from './stream-events.js';
import { createOutbox } from './stream-outbox.js';
import { batchWsMessage, deflatedBatchWsMessage, takesSharedDeflate } from './ws-batch-frames.js';
import { createInboundLimiter } from './ws-inbound.js';
import type { StreamHub } from './stream-hub.js';
import { packEventJson, streamPackEvents } from './stream-pack-events.js';
import { refuseCursorPastHead } from '../app/cursor-past-head.js';
import { assertTaskOf } from '../app/task-of-execution.js';
import { intParam } from './routes/paging.js';
import { stillAuthorized } from './still-authorized.js';
import { refuseUnknownQuery } from './unknown-query.js';

/** The WebSocket endpoints, with their scopes, for the route table. */
export const WS_ROUTES: StreamRouteDef[] = [
  {
    kind: 'ws',
    path: '/ws/executions/:id',
    scope: 'read',
    summary: "One execution's events: history first (or after `?after_seq=`), then live, in seq order.",
    query: ['after_seq', 'token'],
  },
  {
    kind: 'ws',
    path: '/ws/executions/:id/logs',
    scope: 'read',
    summary:
      "One execution's task log: `{type:\"log\", seq, task_id, attempt, stream, at, line}` for each line stored after `?after=` (filters `task`, `attempt`, " +
      '`stream`), then live; `{type:"end", last_seq}` and a normal close once the execution has finished. Reconnect with `after` = the last seq seen.',
    query: ['after', 'task', 'attempt', 'stream', 'token'],
  },
  {
    kind: 'ws',
    path: '/ws/events',
    scope: 'read',
    summary:
      "Every execution's events in stored order, each with its global `position`; `?after_position=` resumes after one with no gap " +
      'and no repeat (without it: events from now on). Also pack events (pack_synced, pack_validation_failed, pack_deleted, git_sync_failed). ' +
      'With `?batch=true`, events come as `{type:"events", events:[...]}`, one message per batch, compressed once for every subscriber ' +
      'when the connection negotiated permessage-deflate.',
    query: ['after_position', 'batch', 'token'],
  },
];

const EXECUTION_PATH = /^\/ws\/executions\/([^/]+)\/?$/;
const LOGS_PATH = /^\/ws\/executions\/([^/]+)\/logs\/?$/;
const ALL_PATH = /^\/ws\/events\/?$/;

export interface WebSocketOptions {
  services: AppServices;
  authenticator: Authenticator;
  hub: StreamHub;
}

/** Handles upgrades on `server`; returns the function that closes the WebSocket server. */
export function attachWebSockets(server: Server, options: WebSocketOptions): () => void {
  const { services } = options;
  // permessage-deflate is accepted for the batch format's shared compressed frames
  // (ws-batch-frames.ts); ws itself compresses nothing (no zlib state per socket), and
  // never using context takeover is what lets one compressed frame serve every client.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    perMessageDeflate: { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: Number.MAX_SAFE_INTEGER },
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    accept(req, options)
      .then((target) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          authorizedOf.set(ws, target.authorized);
          wss.emit('connection', ws, req);
          services.logger.info({ url: maskUrl(req.url ?? ''), principal: target.principal_id }, 'websocket opened');
          if (target.logs && target.execution_id !== null) serveLogs(ws, target.execution_id, req, options);
          else serve(ws, socket, target.execution_id, req, options);
        });
      })
      .catch((error: unknown) => reject(socket, error, services));
  };
  server.on('upgrade', onUpgrade);
  // Protocol pings find peers that vanished without a close (a sleeping laptop, a
  // dropped proxy): one missed pong between two rounds and the socket is cut.
  const alive = new WeakMap<WebSocket, boolean>();
  // Each socket was authorized once, at its handshake: it is asked again as it goes, and a
  // socket whose token was revoked or expired since is closed (1008, policy).
  const authorizedOf = new WeakMap<WebSocket, () => boolean>();
  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }

      alive.set(ws, false);
      ws.ping();
    }
  }, 30_000);
  heartbeat.unref();
  // as often as SSE streams ask (at their keep-alive), so revoking reaches both kinds alike
  const reauthorize = setInterval(() => {
    for (const ws of wss.clients) {
      if (authorizedOf.get(ws)?.() === false) ws.close(1008, 'AUTH_REQUIRED: the token is no longer accepted');
    }
  }, services.options.sse_keepalive_seconds * 1000);
  reauthorize.unref();
  return () => {
    clearInterval(heartbeat);
    clearInterval(reauthorize);
    server.off('upgrade', onUpgrade);
    wss.close();
  };
}

/** The query parameters each endpoint takes, by path. */
const ACCEPTED_QUERY = new Map(WS_ROUTES.map((route) => [route.path, new Set(route.query)]));

/**
 * Checks a handshake as the REST dispatcher checks a request, in the same order: the host,
 * token and origin (admitRequest); the path's escapes; the query (escapes, unknown names, repeats, NUL,
 * then each value) — every 400 of the request itself before the execution is looked up
 * (404) — and last the resume cursor against what is stored.
 */
async function accept(
  req: IncomingMessage,
  { services, authenticator }: WebSocketOptions,
): Promise<{ execution_id: string | null; principal_id: string; logs: boolean; authorized: () => boolean }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const logsMatch = LOGS_PATH.exec(url.pathname);
  const execMatch = logsMatch ?? EXECUTION_PATH.exec(url.pathname);
  if (!execMatch && !ALL_PATH.test(url.pathname)) {
    throw new HarmoniaError('NOT_FOUND', `no WebSocket endpoint at '${url.pathname}'; use /ws/executions/:id, /ws/executions/:id/logs or /ws/events`);
  }
  const route = WS_ROUTES[logsMatch ? 1 : execMatch ? 0 : 2] as StreamRouteDef;
  const token = bearerFrom(req.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
  const principal = admitRequest({
    authenticator,
    host: req.headers.host,
    origin: req.headers.origin,
    allowed_origins: services.options.allowed_origins,
    origin_rule: 'stream',
    authorize: () => {
      const authorized = authenticator.authorize(token, route.scope);
      // As on REST (mount-routes.ts): token files hold only hashes, so a token is known, and masked, once it is used.
      if (token !== undefined && authenticator.isEnabled()) services.engine.secrets.add([token]);
      return authorized;
    },
  });
  const executionId = execMatch ? decodePathSegment(execMatch[1] ?? '') : null;
  checkQueryEscapes(url.search.slice(1));
  refuseUnknownQuery(`GET ${route.path}`, url.searchParams.keys(), ACCEPTED_QUERY.get(route.path) ?? new Set());
  refuseRepeats(queryOf(url.searchParams));
  if (executionId !== null) refuseNul({ id: executionId }, 'path segment');
  refuseNul(Object.fromEntries(url.searchParams), 'query parameter');
  if (logsMatch) logQueryOf(url);
  const batch = paramOf(url, 'batch');
  if (batch !== null && batch !== 'true' && batch !== 'false') {
    throw queryValueError('batch', batch, { accepted: ['true', 'false'] });
  }
  for (const name of ['after_seq', 'after_position', 'after', 'attempt']) {
    const value = paramOf(url, name);
    if (value !== null && !/^\d{1,16}$/.test(value)) {
      throw queryValueError(name, value, { expected: 'a non-negative integer' });
    }
  }
  // Attempts count from 1: the page and the SSE stream refuse attempt=0 too (an empty log that never filled).
  if (logsMatch) intParam(Object.fromEntries(url.searchParams), 'attempt', 1, 1, Number.MAX_SAFE_INTEGER);
  const record = executionId !== null ? await services.engine.getExecution(executionId) : null;
  const afterSeq = paramOf(url, 'after_seq');
  const afterLine = paramOf(url, 'after');
  const afterPosition = paramOf(url, 'after_position');
  if (record !== null && !logsMatch && afterSeq !== null) refuseCursorPastHead(Number(afterSeq), record.last_seq);
  if (executionId !== null && logsMatch && afterLine !== null && Number(afterLine) > 0) {
    refuseCursorPastHead(Number(afterLine), await services.store.executions.lastLogSeq(executionId), 'log line');
  }
  const logTask = paramOf(url, 'task');
  if (executionId !== null && logsMatch && logTask !== null) await assertTaskOf(services.engine, executionId, logTask);
  if (executionId === null && afterPosition !== null) refuseCursorPastHead(Number(afterPosition), await services.store.executions.highestEventPosition());
  return { execution_id: executionId, principal_id: principal.id, logs: logsMatch !== null, authorized: () => stillAuthorized(authenticator, token, route.scope) };
}

/**
 * A query parameter's value, null when absent or empty: `attempt=` means no attempt filter
 * here as on the REST routes and the SSE streams (one rule for every transport).
 */
function paramOf(url: URL, name: string): string | null {
  const value = url.searchParams.get(name);
  return value === '' ? null : value;
}

/** The log filters of a /ws/executions/:id/logs URL. Thrown when one is invalid: REQUEST_INVALID. */
function logQueryOf(url: URL): Omit<TaskLogQuery, 'limit'> {
  const query: Omit<TaskLogQuery, 'limit'> = {};
  const task = paramOf(url, 'task');
  const attempt = paramOf(url, 'attempt');
  const stream = paramOf(url, 'stream');
  const after = paramOf(url, 'after');
  if (task !== null) query.task_id = task;
  if (attempt !== null && /^\d{1,16}$/.test(attempt)) query.attempt = Number(attempt);
  if (after !== null && /^\d{1,16}$/.test(after)) query.after = Number(after);
  if (stream !== null) {
    if (stream !== 'stdout' && stream !== 'stderr' && stream !== 'system') {
      throw queryValueError('stream', stream, { accepted: ['stdout', 'stderr', 'system'] });
    }
    query.stream = stream;
  }
  return query;
}

/** Follows one execution's task log over a WebSocket; sending waits for the socket to drain. */
function serveLogs(ws: WebSocket, executionId: string, req: IncomingMessage, { services, hub }: WebSocketOptions): void {
  const limit = services.options.stream_buffer_bytes;
  let closed = false;
  let wake: (() => void) | null = null;
  const unfollow = services.engine.followLogs((lines) => {
    if (lines.some((line) => line.execution_id === executionId)) wake?.();
  });
  const finish = (): void => {
    if (closed) return;
    closed = true;
    unfollow();
    unregister();
    wake?.();
  };
  const unregister = hub.add((reason) => {
    if (!closed) ws.close(1001, reason === 'server shutting down' ? reason : 'closing');
    finish();
  });
  ws.on('close', finish);
  ws.on('error', () => ws.terminate());
  // The stream only sends; anything a client sends is ignored (and read at most as fast as the limiter allows).
  ws.on('message', () => undefined);
  const send = (message: WsLogMessage): Promise<void> =>
    new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve();
      ws.send(JSON.stringify(message), () => resolve());
      if (ws.bufferedAmount <= limit) resolve();
    });
  void followLogLines({
    engine: services.engine,
    execution_id: executionId,
    query: logQueryOf(new URL(req.url ?? '/', 'http://localhost')),
    isClosed: () => closed,
    send: (line) => send({ type: 'log', ...logLineView(line) }),
    onWait: (fn) => (wake = fn),
    end: (lastSeq) => {
      void send({ type: 'end', execution_id: executionId, last_seq: lastSeq }).then(() => ws.close(1000, 'execution finished'));
      finish();
    },
  }).catch(() => {
    ws.terminate();
    finish();
  });
}

function reject(socket: Duplex, error: unknown, services: AppServices): void {
  const { status, body, internal } = errorResponse(error, 'websocket');
  if (internal) services.logger.error({ err: error }, 'websocket handshake failed');
  const json = JSON.stringify(body);
  const extra = status === 401 ? 'WWW-Authenticate: Bearer realm="harmonia"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${extra}Connection: close\r\n\r\n${json}`,
  );
}

function serve(ws: WebSocket, socket: Duplex, executionId: string | null, req: IncomingMessage, { services, hub }: WebSocketOptions): void {
  const limit = services.options.stream_buffer_bytes;
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Waiters for the socket's buffer to fall under the limit; each send's callback checks.
  let drained: Array<() => void> = [];
  const onSent = (): void => {
    if (drained.length === 0 || ws.bufferedAmount > limit) return;
    const waiters = drained;
    drained = [];
    for (const fn of waiters) fn();
  };
  const onceDrained = (fn: () => void): void => {
    if (socket.writableNeedDrain) socket.once('drain', fn);
    else if (ws.bufferedAmount <= limit || ws.readyState !== WebSocket.OPEN) setImmediate(fn);
    else drained.push(fn);
  };
  // Events go to the socket as ready-made frames (built once per event or batch for every
  // client, see eventWsFrame); replies and the close go through ws. Both write whole
  // frames synchronously, so they never interleave.
  const outbox = createOutbox({
    max_messages: services.options.stream_queue_events,
    buffer_bytes: limit,
    transport: {
      write(messages) {
        if (ws.readyState !== WebSocket.OPEN) return;
        socket.write(messages.length === 1 ? (messages[0] as Buffer) : Buffer.concat(messages as Buffer[]), onSent);
      },
      buffered: () => ws.bufferedAmount,
      onceDrained,
    },
  });
  let closed = false;
  const drop = (reason: string): void => {
    if (closed) return;
    closed = true;
    const resumeAfter = outbox.lastCursor();
    services.logger.warn({ url: maskUrl(req.url ?? ''), reason }, 'websocket dropped');
    outbox.close();
    if (ws.readyState !== WebSocket.OPEN) return;
    // behind whatever the socket still holds: the client reads it, then the cursor to resume after
    const message: WsServerMessage = { type: 'close', reason, ...(resumeAfter !== '' ? { resume_after: resumeAfter } : {}) };
    ws.send(JSON.stringify(message));
    // A purged execution's stream is over for good: a normal close, not "come back later".
    if (reason === EXECUTION_GONE) ws.close(1000, 'execution deleted');
    else ws.close(1013, 'fell behind; reconnect and resume');
  };
  const sink: EventSink = {
    send: (event) => !closed && outbox.push(eventWsFrame(event), String(event.seq)),
    whenRoomy: () => outbox.whenRoomy(),
    close: drop,
  };
  // one message per batch (opt-in), compressed when the connection can take the shared frames
  const frameBatch =
    paramOf(url, 'batch') !== 'true' ? batchWsFrames : takesSharedDeflate(ws.extensions) ? deflatedBatchWsMessage : batchWsMessage;
  const batchSink: BatchSink = {
    pushBatch: (batch) => !closed && outbox.hold(frameBatch(batch), String(batch.events.at(-1)?.position ?? ''), batch.events.length),
    flush: () => outbox.writeIfIdle(),
    whenRoomy: () => outbox.whenRoomy(),
    close: drop,
  };
  let stop: () => void;
  if (executionId === null) {
    const after = paramOf(url, 'after_position');
    const stopExecutions = streamAllEvents({
      feed: globalFeedOf(hub, services),
      after_position: after === null ? null : Number(after),
      sink: batchSink,
    });
    const stopPacks = streamPackEvents({
      events: services.pack_events,
      send: (event) => !closed && outbox.push(wsTextFrame(packEventJson(event)), ''),
      close: drop,
    });
    stop = () => {
      stopExecutions();
      stopPacks();
    };
  } else {
    const afterSeq = Number(paramOf(url, 'after_seq') ?? '0');
    stop = streamExecutionEvents({
      bus: services.engine.bus,
      readEvents: (id, after, limitCount) => services.engine.readEvents(id, after, limitCount),
      execution_id: executionId,
      after_seq: Number.isInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0,
      sink,
    });
  }
  const inbound = createInboundLimiter(ws, {
    per_second: services.options.ws_messages_per_second,
    send: (text) => ws.send(text, onSent),
    onceDrained,
    buffer_bytes: limit,
  });
  const unregister = hub.add(
    (reason) => {
      closed = true;
      outbox.close();
      // a socket not being read would hold its close handshake (and the shutdown) until the timeout
      if (inbound.stats().reading_paused) ws.terminate();
      else ws.close(1001, reason === 'server shutting down' ? reason : 'closing');
    },
    () => ({ kind: 'ws', queued: outbox.size(), buffered_bytes: ws.bufferedAmount, ...inbound.stats() }),
  );
  ws.on('message', (data) => {
    if (!inbound.admit()) return;
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      message = null;
    }
    const reply: WsServerMessage =
      typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping'
        ? { type: 'pong' }
        : { type: 'error', error: { code: 'REQUEST_INVALID', message: 'unknown message; the only message accepted is {"type":"ping"}', details: {} } };
    inbound.reply(JSON.stringify(reply));
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    closed = true;
    outbox.close();
    stop();
    unregister();
    drained = [];
  });
}
