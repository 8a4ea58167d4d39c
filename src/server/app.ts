/**
 * createApp: the Koa application with every route, built from its dependencies.
 * It never listens; startServer (or a test) does.
 */
import { compressMiddleware } from './compress.js';
import { conditionalGetMiddleware } from './conditional-get.js';
import { corsMiddleware } from './cors.js';
import Koa from 'koa';
import { SETTINGS } from '../core/settings.js';
import { createHarmonia } from '../app/create-harmonia.js';
import { createComponentService } from '../components/component-service.js';
import { createGitSourceSet } from '../gitops/git-source-set.js';
import { createPackEvents } from '../gitops/pack-events.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import { consoleMiddleware } from './console-assets.js';
import type { ServerDeps } from './deps.js';
import { errorMiddleware } from './error-middleware.js';
import { createBoundedLogger } from './log-output.js';
import { createHttpMetrics } from './metrics.js';
import { mountRoutes } from './mount-routes.js';
import { requestLogMiddleware } from './request-log.js';
import type { AppServices, RouteDef } from './route.js';
import { allRoutes } from './routes/index.js';
import { resolveServerOptions } from './server-options.js';
import { createStreamHub, type StreamHub } from './stream-hub.js';
import { createTokenFileReader } from './tokens.js';
import { createRequestValidator, type RequestValidator } from './validate-request.js';
import { createResponseContract, type ResponseContract } from './validate-response.js';
import { WS_ROUTES } from './ws.js';

/** What startServer needs besides the Koa app. */
export interface AppInternals {
  services: AppServices;
  authenticator: Authenticator;
  hub: StreamHub;
  /** The response contract check (validate_responses); null when it is off. */
  contract: ResponseContract | null;
  /** The request body validator the routes use. */
  validate: RequestValidator;
}

const INTERNALS = new WeakMap<Koa, AppInternals>();

/** The services, authenticator and stream hub behind an app made by createApp. */
export function appInternals(app: Koa): AppInternals {
  const internals = INTERNALS.get(app);
  if (!internals) throw new Error('not an app made by createApp()');
  return internals;
}

/**
 * Builds the Koa app: request ids and logs, JSON errors, REST under /api and
 * /api/v1, SSE under /events, system routes at the root.
 * @example
 * const app = createApp({ store, engine, packs, options: { tokens: 'secret' } });
 * http.createServer(app.callback());
 */
export function createApp(deps: ServerDeps): Koa {
  const options = resolveServerOptions(deps.options);
  // The default writes as serveHarmonia's does: a stdout nobody reads never stalls the app.
  const { logger, output: logOutput } = deps.logger
    ? { logger: deps.logger, output: deps.log_output }
    : createBoundedLogger({ max_buffer_bytes: SETTINGS.log_buffer_size.default });
  const now = deps.now ?? (() => new Date());
  const metrics = createHttpMetrics();
  const hub = createStreamHub();
  const authenticator = createAuthenticator({
    tokens: options.tokens,
    ...(options.token_file !== null ? { readStoredTokens: createTokenFileReader(options.token_file) } : {}),
    now,
  });
  const routes: RouteDef[] = allRoutes(hub);
  const components = deps.components ?? createComponentService({ repo: deps.store.components, now });
  const services: AppServices = {
    app: createHarmonia({
      store: deps.store,
      engine: deps.engine,
      packs: deps.packs,
      components,
      settings: { api_pack: options.api_pack, max_workflow_size: options.max_workflow_size, max_task_count: options.max_task_count },
    }),
    store: deps.store,
    engine: deps.engine,
    packs: deps.packs,
    components,
    git: deps.git ?? null,
    git_sources: deps.git_sources ?? (deps.git ? createGitSourceSet([deps.git], deps.git.events) : null),
    pack_events:
      deps.pack_events ??
      deps.git?.events ??
      deps.git_sources?.events ??
      createPackEvents({ onListenerError: (error) => logger.error({ err: error }, 'pack event listener failed') }),
    options,
    logger,
    metrics,
    log_lines_dropped: logOutput ? () => logOutput.dropped() : null,
    now,
    started_at: now(),
    assistant: deps.assistant ?? { llm: null, packs_dir: null },
    trigger_secret: deps.trigger_secret ?? (() => undefined),
    routes,
    streams: WS_ROUTES,
  };
  const mount = {
    services,
    authenticator,
    validate: createRequestValidator(),
    contract: options.validate_responses ? createResponseContract({ schemas_dir: options.schemas_dir, logger }) : null,
  };

  const app = new Koa();
  app.silent = true;
  app.use(requestLogMiddleware(logger, metrics));
  app.use(errorMiddleware(logger, deps.engine.secrets));
  app.use(corsMiddleware(options.allowed_origins));
  app.use(compressMiddleware());
  app.use(conditionalGetMiddleware());
  app.use(consoleMiddleware(options.console_dir));
  app.use(mountRoutes(routes, mount));
  INTERNALS.set(app, { services, authenticator, hub, contract: mount.contract, validate: mount.validate });
  return app;
}
