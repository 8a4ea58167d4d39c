/**
 * WebSocket endpoints on the HTTP server's port (`ws`, noServer): the handshake
 * is authenticated (Authorization header or `?token=`) and its Origin checked
 * before the upgrade; each event is sent as its masked JSON, and `{type:"ping"}`
 * is answered with `{type:"pong"}`.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { HarmoniaError } from '../core/errors.js';
import type { WsServerMessage } from '../core/wire.js';
import { bearerFrom, isLoopbackHostHeader, isOriginAllowed, type Authenticator } from './auth.js';
import { errorResponse } from './error-middleware.js';
import { eventJson } from './event-json.js';
import { maskUrl } from './mask-secrets.js';
import type { AppServices, StreamRouteDef } from './route.js';
import { streamAllEvents, streamExecutionEvents, type EventSink } from './stream-events.js';
import type { StreamHub } from './stream-hub.js';
import { packEventJson, streamPackEvents } from './stream-pack-events.js';

/** The WebSocket endpoints, with their scopes, for the route table. */
export const WS_ROUTES: StreamRouteDef[] = [
  {
    kind: 'ws',
    path: '/ws/executions/:id',
    scope: 'read',
    summary: "One execution's events: history first (or after `?after_seq=`), then live, in seq order.",
  },
  {
    kind: 'ws',
    path: '/ws/events',
    scope: 'read',
    summary: "Every execution's events, live, and pack events (pack_synced, pack_validation_failed, pack_deleted, git_sync_failed).",
  },
];

const EXECUTION_PATH = /^\/ws\/executions\/([^/]+)\/?$/;
const ALL_PATH = /^\/ws\/events\/?$/;

export interface WebSocketOptions {
  services: AppServices;
  authenticator: Authenticator;
  hub: StreamHub;
}

/** Handles upgrades on `server`; returns the function that closes the WebSocket server. */
export function attachWebSockets(server: Server, options: WebSocketOptions): () => void {
  const { services } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    accept(req, options)
      .then((target) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          wss.emit('connection', ws, req);
          services.logger.info({ url: maskUrl(req.url ?? ''), principal: target.principal_id }, 'websocket opened');
          serve(ws, target.execution_id, req, options);
        });
      })
      .catch((error: unknown) => reject(socket, error, services));
  };
  server.on('upgrade', onUpgrade);
  // Protocol pings find peers that vanished without a close (a sleeping laptop, a
  // dropped proxy): one missed pong between two rounds and the socket is cut.
  const alive = new WeakMap<WebSocket, boolean>();
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
  return () => {
    clearInterval(heartbeat);
    server.off('upgrade', onUpgrade);
    wss.close();
  };
}

async function accept(
  req: IncomingMessage,
  { services, authenticator }: WebSocketOptions,
): Promise<{ execution_id: string | null; principal_id: string }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const execMatch = EXECUTION_PATH.exec(url.pathname);
  if (!execMatch && !ALL_PATH.test(url.pathname)) {
    throw new HarmoniaError('NOT_FOUND', `no WebSocket endpoint at '${url.pathname}'; use /ws/executions/:id or /ws/events`);
  }
  const route = execMatch ? WS_ROUTES[0] : WS_ROUTES[1];
  if (!authenticator.isEnabled() && !isLoopbackHostHeader(req.headers.host)) {
    throw new HarmoniaError('AUTH_FORBIDDEN', `host '${req.headers.host ?? ''}' is not a loopback name; without API tokens this server answers localhost or 127.0.0.1 only`);
  }
  if (!isOriginAllowed(req.headers.origin, req.headers.host, services.options.allowed_origins)) {
    throw new HarmoniaError('AUTH_FORBIDDEN', `origin '${req.headers.origin ?? ''}' is not allowed to open this stream; configure allowed_origins`);
  }
  const token = bearerFrom(req.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
  const principal = authenticator.authorize(token, route?.scope ?? 'read');
  const executionId = execMatch ? decodePathSegment(execMatch[1] ?? '') : null;
  if (executionId !== null) await services.engine.getExecution(executionId);
  const afterSeq = url.searchParams.get('after_seq');
  if (afterSeq !== null && !/^\d{1,16}$/.test(afterSeq)) {
    throw new HarmoniaError('REQUEST_INVALID', `after_seq '${afterSeq}' must be a non-negative integer seq`);
  }
  return { execution_id: executionId, principal_id: principal.id };
}

/** A percent-decoded path segment; a malformed escape (`%ff`, `%`) is the caller's mistake, not a crash. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HarmoniaError('REQUEST_INVALID', `the path segment '${segment}' is not valid percent-encoded UTF-8`);
  }
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

function serve(ws: WebSocket, executionId: string | null, req: IncomingMessage, { services, hub }: WebSocketOptions): void {
  const send = (message: WsServerMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const sink: EventSink = {
    send(event) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      if (ws.bufferedAmount > services.options.stream_buffer_bytes) return false;
      ws.send(eventJson(event));
      return true;
    },
    close(reason) {
      services.logger.warn({ url: maskUrl(req.url ?? ''), reason }, 'websocket dropped');
      // the close frame would queue behind the backlog: cut the connection instead
      ws.terminate();
    },
  };
  let stop: () => void;
  if (executionId === null) {
    const stopExecutions = streamAllEvents({ bus: services.engine.bus, sink });
    const stopPacks = streamPackEvents({
      events: services.pack_events,
      send: (event) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        if (ws.bufferedAmount > services.options.stream_buffer_bytes) return false;
        ws.send(packEventJson(event));
        return true;
      },
      close: (reason) => sink.close(reason),
    });
    stop = () => {
      stopExecutions();
      stopPacks();
    };
  } else {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const afterSeq = Number(url.searchParams.get('after_seq') ?? '0');
    stop = streamExecutionEvents({
      bus: services.engine.bus,
      readEvents: (id, after, limit) => services.engine.readEvents(id, after, limit),
      execution_id: executionId,
      after_seq: Number.isInteger(afterSeq) && afterSeq > 0 ? afterSeq : 0,
      sink,
    });
  }
  const unregister = hub.add(() => ws.close(1001, 'server shutting down'));
  ws.on('message', (data) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      message = null;
    }
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping') {
      send({ type: 'pong' });
      return;
    }
    send({
      type: 'error',
      error: { code: 'REQUEST_INVALID', message: 'unknown message; the only message accepted is {"type":"ping"}', details: {} },
    });
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    stop();
    unregister();
  });
}
