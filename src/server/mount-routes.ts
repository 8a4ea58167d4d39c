/**
 * Dispatches requests to the route table: authentication and scope, strict body
 * reading, ajv validation, then the handler; JSON responses are masked for secrets
 * on the way out.
 */
import type { Context, Middleware } from 'koa';
import { HarmoniaError } from '../core/errors.js';
import { admitRequest } from './admit-request.js';
import { bearerFrom, type Authenticator, type Principal } from './auth.js';
import { maskedJson } from './mask-secrets.js';
import { readBody, readRawBody, refuseNul, type ReadBody } from './read-body.js';
import { keptRequestOf, type KeptOutcome, type KeptRequest } from './kept-request.js';
import type { AppServices, RouteDef, RouteResponse } from './route.js';
import { createRouteTable, type RouteMatch, type TableEntry } from './route-table.js';
import { checkQueryEscapes, malformedSegment, refuseRepeats } from './percent-decode.js';
import type { RequestValidator } from './validate-request.js';
import type { ResponseContract } from './validate-response.js';
import { headerValue } from './header-value.js';
import { stillAuthorized } from './still-authorized.js';
import { refuseUnknownQuery } from './unknown-query.js';

export interface MountOptions {
  services: AppServices;
  authenticator: Authenticator;
  validate: RequestValidator;
  /** The response contract check (validate_responses); null when it is off. */
  contract: ResponseContract | null;
}

const WEBHOOK_PRINCIPAL: Principal = { id: 'webhook', scopes: [] };
const JSON_TYPE = 'application/json; charset=utf-8';
const NO_BODY: ReadBody = { type: undefined, text: undefined, value: undefined };

/** The label a route is logged and counted under: `/api/executions/:id`. */
export function routeLabel(def: RouteDef): string {
  return def.base === 'api' ? `/api${def.path}` : def.path;
}

/** Where a route is served: API routes under both prefixes, root routes at the root. */
export const API_PREFIXES = ['/api', '/api/v1'] as const;

/** The route table's entries in precedence order: API routes under each prefix, then root routes. */
export function routeTableEntries(routes: readonly RouteDef[]): Array<TableEntry<RouteDef>> {
  return [
    ...API_PREFIXES.flatMap((prefix) => routes.filter((r) => r.base === 'api').map((def) => ({ method: def.method, path: prefix + def.path, value: def }))),
    ...routes.filter((r) => r.base === 'root').map((def) => ({ method: def.method, path: def.path, value: def })),
  ];
}

/**
 * The middleware serving `routes`: API routes under /api and /api/v1 (/api is what the
 * integration guide uses, /api/v1 is stable), root routes at the root. A request no route
 * matches passes on (the error middleware answers it 404).
 */
export function mountRoutes(routes: readonly RouteDef[], options: MountOptions): Middleware {
  const table = createRouteTable(routeTableEntries(routes));
  const accepted = new Map(routes.map((def) => [def, acceptedQuery(def)]));
  const { contract } = options;
  return async (ctx, next) => {
    const found = table.match(ctx.method, ctx.path);
    if (found === null) return next();
    const def = found.value;
    if (contract === null) return handle(ctx, def, found, accepted.get(def) as ReadonlySet<string>, options);
    try {
      await handle(ctx, def, found, accepted.get(def) as ReadonlySet<string>, options);
    } catch (error) {
      throw contract.checkError(def, error);
    }
  };
}

/**
 * The query parameters a route takes: the ones it declares (its OpenAPI parameters), and
 * `token` on SSE streams, since EventSource cannot send an Authorization header.
 */
function acceptedQuery(def: RouteDef): ReadonlySet<string> {
  const names = new Set((def.query ?? []).map((q) => q.name));
  if (def.stream === 'sse') names.add('token');
  return names;
}

/**
 * A webhook delivery is signed (checked by its handler, over the raw body) or carries an
 * API token with the `trigger` scope, checked here before anything is looked up.
 */
function webhookPrincipal(ctx: Context, bearer: string | undefined, authenticator: Authenticator): Principal {
  const signed = ctx.get('X-Hub-Signature-256') !== '' || ctx.get('X-Harmonia-Token') !== '';
  return bearer !== undefined && !signed ? authenticator.authorize(bearer, 'trigger') : WEBHOOK_PRINCIPAL;
}

/** True when a webhook route's request came with an API token rather than a signature. */
export function isTokenDelivery(principal: Principal): boolean {
  return principal !== WEBHOOK_PRINCIPAL;
}

async function handle(
  ctx: Context,
  def: RouteDef,
  { params, malformed }: RouteMatch<RouteDef>,
  acceptedNames: ReadonlySet<string>,
  { services, authenticator, validate, contract }: MountOptions,
): Promise<void> {
  ctx.state.route = routeLabel(def);
  const queryToken = def.stream === 'sse' ? firstValue(ctx.query.token) : undefined;
  // Webhook routes check the sender's signature over the raw body in the handler instead.
  const bearer = bearerFrom(ctx.get('Authorization') || undefined) ?? queryToken;
  const principal = admitRequest({
    authenticator,
    host: ctx.get('Host') || undefined,
    origin: ctx.get('Origin') || undefined,
    allowed_origins: services.options.allowed_origins,
    origin_rule: def.stream === 'sse' ? 'stream' : def.method !== 'GET' && def.scope !== 'webhook' ? 'change' : 'none',
    authorize: () => {
      const authorized = def.scope === 'webhook' ? webhookPrincipal(ctx, bearer, authenticator) : authenticator.authorize(bearer, def.scope);
      // Token files hold only hashes: a token is known once it is used, and masked from then on.
      if (bearer !== undefined && authorized !== WEBHOOK_PRINCIPAL && authenticator.isEnabled()) services.engine.secrets.add([bearer]);
      return authorized;
    },
  });
  ctx.state.principal_id = principal.id;

  if (malformed !== undefined) throw malformedSegment(malformed);
  checkQueryEscapes(ctx.querystring);
  refuseUnknownQuery(`${def.method} ${routeLabel(def)}`, Object.keys(ctx.query), acceptedNames);
  refuseRepeats(ctx.query);
  refuseNul(params, 'path segment');
  refuseNul(ctx.query, 'query parameter');

  const workflowLimit = def.body?.limit === 'workflow';
  const limits = {
    max_bytes: workflowLimit ? services.options.max_workflow_size : services.options.max_body_bytes,
    limit_name: workflowLimit ? 'HARMONIA_MAX_WORKFLOW_SIZE' : 'max_body_bytes',
  };
  // A fast path that handed the request on has read its body already (start-fast-path.ts).
  const kept = keptRequestOf(ctx.req);
  const raw = def.body?.raw === true ? await readRawBody(ctx.req, limits) : undefined;
  const body: ReadBody = raw !== undefined ? NO_BODY : kept !== undefined ? keptBody(kept) : await readBody(ctx.req, { accepts: def.body?.types ?? ['json'], ...limits });
  if (def.body === undefined && body.value !== undefined && !isEmptyObject(body.value)) {
    throw new HarmoniaError('REQUEST_INVALID', `${def.method} ${routeLabel(def)} takes no request body`);
  }
  if (def.body?.required && body.text === undefined) {
    throw new HarmoniaError('REQUEST_INVALID', `${def.method} ${routeLabel(def)} needs a request body`);
  }
  if (def.body?.schema !== undefined && body.type === 'json') validate(def.body.schema, body.value ?? {});

  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(ctx.query)) {
    const first = firstValue(value);
    if (first !== undefined) query[key] = first;
  }
  const result = kept?.outcome !== undefined ? keptOutcome(kept.outcome) : await def.handler(
    {
      params,
      query,
      body: body.value,
      body_text: body.text,
      body_type: body.type,
      body_raw: raw,
      principal,
      request_id: String(ctx.state.request_id ?? ''),
      header: (name) => headerValue(ctx.headers[name.toLowerCase()]),
      koa: ctx,
      stillAuthorized: () => stillAuthorized(authenticator, bearer, def.scope),
    },
    services,
  );
  if (result.streamed) {
    ctx.respond = false;
    const sent = ctx.res.getHeader('Content-Type');
    contract?.checkAnswer(def, { status: ctx.res.statusCode, content_type: typeof sent === 'string' ? sent : undefined });
    return;
  }
  ctx.status = result.status ?? 200;
  if (result.etag !== undefined) ctx.set('ETag', result.etag);
  if (result.headers !== undefined) ctx.set(result.headers);
  if (result.content_type !== undefined) {
    ctx.type = result.content_type;
    ctx.body = result.body;
    contract?.checkAnswer(def, { status: ctx.status, content_type: result.content_type });
  } else if (result.body !== undefined) {
    // Serialised here with its type set, so Koa neither looks the type up nor stringifies.
    const text = maskedJson(result.body, services.engine.secrets);
    ctx.set('Content-Type', JSON_TYPE);
    ctx.body = text;
    contract?.checkAnswer(def, { status: ctx.status, content_type: JSON_TYPE, json_text: text });
  } else {
    contract?.checkAnswer(def, { status: ctx.status, content_type: undefined });
  }
}

function keptBody(kept: KeptRequest): ReadBody {
  if ('error' in kept.body) throw kept.body.error;
  return kept.body.read;
}

function keptOutcome(outcome: KeptOutcome): RouteResponse {
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
