/**
 * The status read below Koa: GET (or HEAD) /api/executions/:id of a finished execution
 * whose kept answer is current is answered straight on node:http, with the bytes, headers,
 * access-log line and metrics the Koa path gives it; every other request goes to Koa
 * untouched. Pollers of finished executions are most of a status read's traffic, and for
 * them Koa's context, the middleware chain and their promises were about half the CPU.
 *
 * What it keeps is the middleware contract for this one route (checked against the Koa
 * path by test/integration/server/status-fast-path.test.ts): the request id, the token and
 * its scope (token file included) or the loopback Host rule without tokens, the bearer
 * learnt by the masker, CORS for an allowed Origin, the kept answer under the change mark
 * and the masker's generation (detail-cache.ts), ETag with `If-None-Match` → 304 and
 * `Cache-Control`, HEAD without a body, gzip chosen as the negotiation would choose it,
 * the response contract when `validate_responses` is on, one metric and one access-log
 * line. Whatever it is not sure of goes to Koa: another route, a query string, a header it
 * does not know, a token that fails, an execution the engine drives or whose mark moved,
 * a store without change marks (PostgreSQL), an Accept-Encoding with q-values, an answer
 * whose gzipped copy is not made yet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import { INERT_HEADERS, PLAIN_PATH, principalAsKoa, serveOrHandOn } from './fast-path-serve.js';
import { appInternals } from './app.js';
import type { Principal } from './auth.js';
import { COMPRESS_MIN_BYTES } from './compress.js';
import { matchesEtag } from './conditional-get.js';
import { CORS_EXPOSED_HEADERS } from './cors.js';
import { detailCacheFor, type KeptAnswer } from './detail-cache.js';
import { plainGzipChoice } from './gzip-choice.js';
import { keptGzipOf } from './kept-gzip.js';
import { maskUrl } from './mask-secrets.js';
import { routeLabel, routeTableEntries } from './mount-routes.js';
import { requestIdFrom } from './request-log.js';
import type { RouteDef } from './route.js';
import { createRouteTable } from './route-table.js';

/** A node:http request listener (Koa's `app.callback()`). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface StatusFastPath {
  /** Answers `req` when it is a kept status read; otherwise hands it to `fallback` untouched. */
  serve(req: IncomingMessage, res: ServerResponse, fallback: RequestHandler): void;
  /** How many requests it answered itself. */
  readonly answered: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The headers this path reads (Host, Authorization, Origin, Accept-Encoding, If-None-Match,
 * X-Request-Id) and those that change nothing in a status read's answer. Any other — a
 * body's Content-Length, Expect, a proxy's headers — sends the request to Koa.
 */
const KNOWN_HEADERS = new Set([
  'host',
  'authorization',
  'origin',
  'accept-encoding',
  'if-none-match',
  'x-request-id',
  ...INERT_HEADERS,
  // a browser's client hints: a page's polling reads send them
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
]);

/** URLs whose match is remembered; past this, all are forgotten at once. */
const ROUTED_MAX = 1024;

interface Admitted {
  id: string;
  principal: Principal;
}

/** The fast path of the app made by createApp; it serves nothing when the app has no status route. */
export function createStatusFastPath(app: Koa): StatusFastPath {
  const { services, authenticator, contract } = appInternals(app);
  const def = services.routes.find((r) => r.method === 'GET' && r.base === 'api' && r.path === '/executions/:id');
  const table = createRouteTable(routeTableEntries(services.routes));
  const { engine, metrics, logger } = services;
  const cache = detailCacheFor(engine.secrets);
  const origins = services.options.allowed_origins;
  const anyOrigin = origins.includes('*');
  // A poller repeats its URL; the table never changes, so what a URL matched stays true.
  // GET and HEAD match alike (the table answers HEAD with GET routes, and has no HEAD of its own).
  const routed = new Map<string, string | null>();
  let answered = 0;

  /** The synchronous checks, in the order the Koa path makes them; null sends the request to Koa. */
  const admit = (req: IncomingMessage, route: RouteDef): Admitted | null => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return null;
    const url = req.url ?? '';
    if (!PLAIN_PATH.test(url)) return null;
    let id = routed.get(url);
    if (id === undefined) {
      const found = table.match(method, url);
      // A malformed escape goes to Koa, which refuses it.
      id = found !== null && found.value === route && found.malformed === undefined ? (found.params.id ?? '') : null;
      if (routed.size >= ROUTED_MAX) routed.clear();
      routed.set(url, id);
    }
    if (id === null) return null;
    const headers = req.headers;
    for (const name in headers) if (!KNOWN_HEADERS.has(name)) return null;
    const principal = principalAsKoa(authenticator, engine.secrets, headers, route.scope);
    if (principal === null) return null;
    return { id, principal };
  };

  /**
   * Writes the answer and returns true, or returns false having written nothing. At once
   * when the store reads the mark without waiting (SQLite outside a transaction: the same
   * statement, no promise), so the answer is written in the request's own turn as a bare
   * node:http handler writes it; else after the mark's promise.
   */
  const answer = (req: IncomingMessage, res: ServerResponse, route: RouteDef, admitted: Admitted, started: bigint): boolean | Promise<boolean> => {
    const now = engine.changeMarkNow(admitted.id);
    if (now !== undefined) return answerAt(req, res, route, admitted, started, now);
    return engine.changeMark(admitted.id).then((mark) => answerAt(req, res, route, admitted, started, mark));
  };

  const answerAt = (req: IncomingMessage, res: ServerResponse, route: RouteDef, admitted: Admitted, started: bigint, mark: number | null): boolean => {
    if (mark === null) return false;
    const kept = cache.getByMark(admitted.id, mark);
    if (kept === undefined) return false;
    // Checked as the Koa path checks a kept answer: its status and media type.
    contract?.checkAnswer(route, { status: 200, content_type: JSON_TYPE });
    const reply = replyOf(req, kept);
    if (reply === null) return false;
    res.writeHead(reply.status, reply.headers);
    if (reply.body === null) res.end();
    else res.end(reply.body);

    const method = req.method as string;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const label = routeLabel(route);
    metrics.observeRequest(method, label, reply.status, seconds);
    if (logger.isLevelEnabled('info')) logger.info(
      {
        request_id: reply.request_id,
        method,
        url: maskUrl(req.url ?? ''),
        route: label,
        status: reply.status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
        principal: admitted.principal.id,
      },
      'request',
    );
    answered += 1;
    return true;
  };

  /**
   * The status, headers (in the order Koa's middleware sets them) and body of a kept answer;
   * null when only the negotiation itself can choose the encoding, or the gzipped copy is
   * not made yet.
   */
  const replyOf = (req: IncomingMessage, kept: KeptAnswer): { status: number; headers: string[]; body: Buffer | null; request_id: string } | null => {
    const headers = req.headers;
    const given = headers['x-request-id'];
    const requestId = requestIdFrom(typeof given === 'string' ? given : '');
    const out = ['X-Request-Id', requestId];
    let varyAt = -1;
    const origin = headers.origin ?? '';
    if (origins.length > 0 && origin !== '' && (anyOrigin || origins.includes(origin))) {
      varyAt = out.length + 3;
      out.push('Access-Control-Allow-Origin', anyOrigin ? '*' : origin, 'Vary', 'Origin', 'Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    }
    out.push('ETag', kept.etag);
    if (matchesEtag(headers['if-none-match'] ?? '', kept.etag)) {
      out.push('Cache-Control', 'no-cache');
      return { status: 304, headers: out, body: null, request_id: requestId };
    }
    const lengthAt = out.length + 3;
    out.push('Content-Type', JSON_TYPE, 'Content-Length', String(kept.body.length), 'Cache-Control', 'no-cache');
    if (req.method === 'HEAD') return { status: 200, headers: out, body: null, request_id: requestId };
    if (kept.body.length < COMPRESS_MIN_BYTES) return { status: 200, headers: out, body: kept.body, request_id: requestId };
    if (varyAt === -1) out.push('Vary', 'Accept-Encoding');
    else out[varyAt] = 'Origin, Accept-Encoding';
    const accept = headers['accept-encoding'] ?? '';
    if (accept === '') return { status: 200, headers: out, body: kept.body, request_id: requestId };
    const choice = plainGzipChoice(accept);
    if (choice === null) return null;
    if (choice === 'identity') return { status: 200, headers: out, body: kept.body, request_id: requestId };
    const gzipped = keptGzipOf(kept);
    if (gzipped === undefined) return null;
    out[lengthAt] = String(gzipped.length);
    out.push('Content-Encoding', 'gzip');
    return { status: 200, headers: out, body: gzipped, request_id: requestId };
  };

  // Made once, not per request: serveOrHandOn passes them the request.
  const admitRoute = (req: IncomingMessage): Admitted | null => (def === undefined ? null : admit(req, def));
  const answerRoute = (req: IncomingMessage, res: ServerResponse, admitted: Admitted, started: bigint): boolean | Promise<boolean> =>
    def === undefined ? false : answer(req, res, def, admitted, started);

  return {
    get answered() {
      return answered;
    },
    serve(req, res, fallback) {
      // Before serveOrHandOn: a start (POST) would otherwise pay its clock read and two closures here.
      if (def === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return fallback(req, res);
      serveOrHandOn(req, res, fallback, admitRoute, answerRoute);
    },
  };
}
