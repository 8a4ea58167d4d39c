/**
 * Starts below Koa: POST /api/executions (and /api/v1/executions) with a plain JSON body is
 * read, validated, handled and answered straight on node:http, with the bytes, headers,
 * access-log line and metrics the Koa path gives it. A start's own work (the engine) is the
 * same either way; what this saves is Koa's context, the middleware chain and their promises.
 *
 * It keeps the middleware contract for this one route (checked against the Koa path by
 * test/integration/server/start-fast-path.test.ts): the request id, the loopback Host rule
 * without tokens, the token and its scope, the bearer learnt by the masker, the origin rule
 * for writes, the body's media type, size, UTF-8 and JSON checks, its schema, the
 * Idempotency-Key (read by the handler), masking of the answer, the response contract when
 * `validate_responses` is on, one metric and one access-log line. What it is not sure of before reading the body (another route, a query,
 * an Origin or any header it does not know, chunked or over-limit bodies, a failing token)
 * goes to Koa untouched. Once the body is read it cannot go back: from then on every
 * failure, and any answer it does not write itself (one the response contract refuses, an
 * answer large enough for gzip), goes to Koa with the body and the handler's outcome kept
 * (kept-request.ts), so Koa answers it — never running the start a second time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import { INERT_HEADERS, PLAIN_PATH, principalAsKoa, serveOrHandOn } from './fast-path-serve.js';
import { appInternals } from './app.js';
import { isOriginAllowed, type Principal } from './auth.js';
import { COMPRESS_MIN_BYTES } from './compress.js';
import { keepRequest, type KeptOutcome } from './kept-request.js';
import { maskedJson, maskUrl } from './mask-secrets.js';
import { routeLabel, routeTableEntries } from './mount-routes.js';
import { bodyTypeOf, readBody, type ReadBody } from './read-body.js';
import { requestIdFrom } from './request-log.js';
import type { RouteDef, RouteRequest, RouteResponse } from './route.js';
import { createRouteTable } from './route-table.js';
import type { RequestHandler } from './status-fast-path.js';
import { headerValue } from './header-value.js';

export interface StartFastPath {
  /** Answers `req` when it is a plain start; otherwise hands it to `fallback` (with what it did kept). */
  serve(req: IncomingMessage, res: ServerResponse, fallback: RequestHandler): void;
  /** How many requests it answered itself. */
  readonly answered: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Request headers that change nothing in a start's answer, besides the ones this path reads
 * (Host, Authorization, Content-Type, Content-Length, X-Request-Id, Idempotency-Key). Any
 * other — Origin, Transfer-Encoding, Expect, a proxy's — sends it to Koa. Accept-Encoding
 * is inert here because this path writes only answers under COMPRESS_MIN_BYTES, which the
 * compress middleware sends as they are whatever the client accepts (fetch sends it).
 */
const KNOWN_HEADERS = new Set([
  'host',
  'authorization',
  'content-type',
  'content-length',
  'x-request-id',
  'idempotency-key',
  'accept-encoding',
  ...INERT_HEADERS,
]);


interface Admitted {
  principal: Principal;
}

/** The start fast path of the app made by createApp; it serves nothing when the app has no start route. */
export function createStartFastPath(app: Koa): StartFastPath {
  const { services, authenticator, contract, validate } = appInternals(app);
  const def = services.routes.find((r) => r.method === 'POST' && r.base === 'api' && r.path === '/executions');
  const table = createRouteTable(routeTableEntries(services.routes));
  const { engine, metrics, logger, options } = services;
  const limits = { max_bytes: options.max_body_bytes, limit_name: 'max_body_bytes' };
  let answered = 0;

  /** The checks made before the body is read, in the Koa path's order; null sends the request to Koa untouched. */
  const admit = (req: IncomingMessage, route: RouteDef): Admitted | null => {
    if (req.method !== 'POST') return null;
    const url = req.url ?? '';
    if (!PLAIN_PATH.test(url)) return null;
    const found = table.match('POST', url);
    if (found === null || found.value !== route) return null;
    const headers = req.headers;
    for (const name in headers) if (!KNOWN_HEADERS.has(name)) return null;
    if (bodyTypeOf(headers['content-type']) !== 'json') return null;
    const length = Number(headers['content-length'] ?? Number.NaN);
    if (!(length > 0 && length <= limits.max_bytes)) return null;
    const principal = principalAsKoa(authenticator, engine.secrets, headers, route.scope);
    if (principal === null) return null;
    if (!isOriginAllowed(undefined, headers.host || undefined, options.allowed_origins)) return null;
    return { principal };
  };

  /** Reads and handles the request; true when it wrote the answer, false when it kept what it did for Koa. */
  const handle = async (req: IncomingMessage, res: ServerResponse, route: RouteDef, admitted: Admitted, started: bigint): Promise<boolean> => {
    const given = req.headers['x-request-id'];
    const requestId = requestIdFrom(typeof given === 'string' ? given : '');
    let body: ReadBody;
    try {
      body = await readBody(req, { accepts: ['json'], ...limits });
    } catch (error) {
      keepRequest(req, { request_id: requestId, body: { error } });
      return false;
    }
    try {
      if (route.body?.schema !== undefined) validate(route.body.schema, body.value ?? {});
    } catch {
      keepRequest(req, { request_id: requestId, body: { read: body } }); // Koa validates it again and answers the 400
      return false;
    }
    let outcome: KeptOutcome;
    try {
      const result = await route.handler(new FastRouteRequest(req, body, admitted.principal, requestId), services);
      outcome = { result };
    } catch (error) {
      outcome = { error };
    }
    const text = 'result' in outcome ? plainAnswer(outcome.result) : null;
    const status = 'result' in outcome ? (outcome.result.status ?? 200) : 0;
    if (text === null || !meetsContract(route, status, text)) {
      keepRequest(req, { request_id: requestId, body: { read: body }, outcome });
      return false;
    }
    res.writeHead(status, ['X-Request-Id', requestId, 'Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(text))]);
    res.end(text);

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const label = routeLabel(route);
    metrics.observeRequest('POST', label, status, seconds);
    if (logger.isLevelEnabled('info')) logger.info(
      {
        request_id: requestId,
        method: 'POST',
        url: maskUrl(req.url ?? ''),
        route: label,
        status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
        principal: admitted.principal.id,
      },
      'request',
    );
    answered += 1;
    return true;
  };

  /** Checked as the Koa path checks a JSON answer (validate_responses); a violation is Koa's to answer. */
  const meetsContract = (route: RouteDef, status: number, text: string): boolean => {
    if (contract === null) return true;
    try {
      contract.checkAnswer(route, { status, content_type: JSON_TYPE, json_text: text });
      return true;
    } catch {
      return false;
    }
  };

  /** The masked JSON text of a plain answer small enough to go out uncompressed; null for anything else. */
  const plainAnswer = (result: RouteResponse): string | null => {
    if (result.streamed || result.content_type !== undefined || result.etag !== undefined || result.body === undefined) return null;
    const text = maskedJson(result.body, engine.secrets);
    return Buffer.byteLength(text) < COMPRESS_MIN_BYTES ? text : null;
  };

  // Made once, not per request: serveOrHandOn passes them the request.
  const admitRoute = (req: IncomingMessage): Admitted | null => (def === undefined ? null : admit(req, def));
  const handleRoute = (req: IncomingMessage, res: ServerResponse, admitted: Admitted, started: bigint): boolean | Promise<boolean> =>
    def === undefined ? false : handle(req, res, def, admitted, started);

  return {
    get answered() {
      return answered;
    },
    serve(req, res, fallback) {
      if (def === undefined) return fallback(req, res);
      serveOrHandOn(req, res, fallback, admitRoute, handleRoute);
    },
  };
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The handler's request on this path: a class, not an object literal with a getter. Made per
 * request, the literal had what it held (the body, the principal, the request) promoted to
 * the old generation 2.4 kB a start more often (docs/performance.md, h-post6).
 */
class FastRouteRequest implements RouteRequest {
  readonly params = NO_PARAMS;
  readonly query = NO_PARAMS;
  readonly body: unknown;
  readonly body_text: string | undefined;
  readonly body_type: ReadBody['type'];
  readonly body_raw = undefined;
  constructor(
    private readonly req: IncomingMessage,
    read: ReadBody,
    readonly principal: Principal,
    readonly request_id: string,
  ) {
    this.body = read.value;
    this.body_text = read.text;
    this.body_type = read.type;
  }
  header(name: string): string | undefined {
    return headerOf(this.req, name);
  }
  get koa(): never {
    throw new Error('the start fast path has no Koa context');
  }
  stillAuthorized(): never {
    throw new Error('the start fast path answers at once: it has no stream to authorize again');
  }
}

/** A header as Koa's `ctx.get` gives it: '' when absent. */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  return headerValue(req.headers[name.toLowerCase()]);
}
