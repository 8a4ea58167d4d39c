/**
 * The route table's types. Every REST route, SSE stream and WebSocket endpoint is
 * one RouteDef or StreamRouteDef with its scope, so the app, the OpenAPI document
 * and the auth test all read the same list.
 */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Harmonia } from '../app/create-harmonia.js';
import type { Store } from '../store/store.js';
import type { Principal, RouteScope } from './auth.js';
import type { ComponentService } from '../components/component-service.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { Engine } from '../engine/index.js';
import type { GitSourceSet } from '../gitops/git-source-set.js';
import type { GitSyncController } from '../gitops/git-sync-controller.js';
import type { PackEvents } from '../gitops/pack-events.js';
import type { AssistantDeps, ResolvedServerOptions } from './deps.js';
import type { HttpMetrics } from './metrics.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A body media type a route accepts; anything else is a 415. */
export type BodyType = 'json' | 'yaml';

/** Where a route's path is mounted: under /api and /api/v1, or at the root. */
export type RouteBase = 'api' | 'root';

/** What every handler can reach. */
export interface AppServices {
  /** The application layer: read routes answer with what its use-cases return. */
  app: Harmonia;
  store: Store;
  engine: Engine;
  packs: PackSyncService;
  components: ComponentService;
  /** The git sync of HARMONIA_GIT_URL; null when packs do not come from git (the /git routes answer 404). */
  git: GitSyncController | null;
  /** Every git source followed, by name; null when packs do not come from git. */
  git_sources: GitSourceSet | null;
  /** Pack events (git sync, dev mode) the global event streams forward. */
  pack_events: PackEvents;
  options: ResolvedServerOptions;
  logger: Logger;
  metrics: HttpMetrics;
  /** Log lines the logger's destination dropped since start (null: it does not count them). */
  log_lines_dropped: (() => number) | null;
  now: () => Date;
  started_at: Date;
  /** The assistant's model server and packs folder. */
  assistant: AssistantDeps;
  /** Reads the environment variable a webhook trigger names as its secret (undefined when unset). */
  trigger_secret: (name: string) => string | undefined;
  /** The route table itself (for the OpenAPI document). */
  routes: readonly RouteDef[];
  streams: readonly StreamRouteDef[];
}

export interface RouteRequest {
  params: Record<string, string>;
  /** Each query parameter's value (the dispatcher refuses one given twice). */
  query: Record<string, string>;
  /** The parsed body (JSON or YAML per Content-Type); undefined when none was sent. */
  body: unknown;
  /** The body's text, for routes that keep the source (workflows). */
  body_text: string | undefined;
  body_type: BodyType | undefined;
  /** The body's bytes as received, for `raw` routes only (webhooks: the signature covers these). */
  body_raw: Buffer | undefined;
  principal: Principal;
  request_id: string;
  /**
   * A request header's value, undefined when absent: a header sent empty is not one left
   * out (an empty Idempotency-Key is refused, not ignored).
   */
  header(name: string): string | undefined;
  /** The raw Koa context, for streaming routes only. */
  koa: Context;
  /**
   * Whether the request's token is still accepted for the route's scope (not revoked, not
   * expired since): a stream asks at each keep-alive and ends when it is not.
   */
  stillAuthorized(): boolean;
}

export interface RouteResponse {
  /** @default 200 */
  status?: number;
  body?: unknown;
  /** Set when the route wrote the response itself (SSE). */
  streamed?: true;
  /** Text bodies (Prometheus, HTML) with their media type; JSON otherwise. */
  content_type?: string;
  /** The body's weak ETag when the route keeps it (else conditional GET hashes the body). */
  etag?: string;
  /** Headers of the answer beyond its type (a page's Content-Security-Policy). */
  headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: RouteRequest, services: AppServices) => Promise<RouteResponse>;

export interface QueryParamDef {
  name: string;
  type: 'string' | 'integer';
  description: string;
  /** The values a string parameter takes, published in the OpenAPI document. */
  enum?: readonly string[];
}

export interface ResponseDef {
  description: string;
  /** Name of a schema in src/server/schemas (or one of schemas/ as `file:<name>`). */
  schema?: string;
  content_type?: string;
}

export interface RouteDef {
  method: HttpMethod;
  path: string;
  base: RouteBase;
  scope: RouteScope;
  tag: string;
  summary: string;
  /** Absent = the route takes no body (an empty JSON object is tolerated). */
  body?: {
    types: readonly BodyType[];
    /** Validated with ajv before the handler runs. */
    schema?: string;
    required: boolean;
    /** Which size limit applies. @default 'body' */
    limit?: 'body' | 'workflow';
    /**
     * Keep the bytes as received (any media type): nothing is parsed or validated before
     * the handler, which must authenticate them (a webhook signature). @default false
     */
    raw?: boolean;
  };
  query?: readonly QueryParamDef[];
  /** Request headers the route reads, for the API description. */
  headers?: ReadonlyArray<{ name: string; description: string }>;
  /** SSE routes also take `?token=` (browsers cannot set headers on EventSource). */
  stream?: 'sse';
  responses: Record<number, ResponseDef>;
  handler: RouteHandler;
}

/** A WebSocket endpoint or an SSE stream; declared here so its scope is in the table. */
export interface StreamRouteDef {
  kind: 'ws' | 'sse';
  path: string;
  scope: RouteScope;
  summary: string;
  /** The query parameters the handshake takes (`token` among them); any other is refused. */
  query: readonly string[];
}

/** Identity helper that keeps route literals type-checked. */
export function defineRoutes(routes: RouteDef[]): RouteDef[] {
  return routes;
}
