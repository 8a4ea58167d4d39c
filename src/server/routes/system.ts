/** Health, readiness, status, Prometheus metrics and the API description. */
import { HarmoniaError } from '../../core/errors.js';
import type { ExecutionStatus } from '../../core/model.js';
import type { ServerStatusView } from '../../core/wire.js';
import { docsPageHeaders, renderDocsPage } from '../docs-page.js';
import { labels, renderGauge } from '../metrics.js';
import { buildOpenApiDocument } from '../openapi.js';
import { defineRoutes, type AppServices } from '../route.js';

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];

async function executionCounts(services: AppServices): Promise<Record<ExecutionStatus, number>> {
  const counts = {} as Record<ExecutionStatus, number>;
  for (const status of STATUSES) {
    counts[status] = (await services.store.executions.listExecutions({ status, limit: 1, offset: 0 })).total;
  }
  return counts;
}

async function definitionCount(services: AppServices, kind: 'workflow' | 'template'): Promise<number> {
  return (await services.store.registry.listActive({ kind, limit: 1, offset: 0 })).total;
}

/** The system routes. */
export function systemRoutes() {
  let openapi: object | null = null;
  return defineRoutes([
    {
      method: 'GET',
      path: '/health',
      base: 'root',
      scope: 'public',
      tag: 'system',
      summary: 'Liveness: the process answers.',
      responses: { 200: { description: 'Alive.', schema: 'Health' } },
      handler: async () => ({ body: { status: 'ok' } }),
    },
    {
      method: 'GET',
      path: '/ready',
      base: 'root',
      scope: 'public',
      tag: 'system',
      summary: 'Readiness: the store answers a query (and, in git mode on several nodes, this node has the synced pack files).',
      responses: {
        200: { description: 'Ready.', schema: 'Health' },
        503: { description: 'The store is unavailable (an Error), or `{status: "not_ready", reason}`: the synced commit is not checked out here.' },
      },
      handler: async (_request, services) => {
        try {
          await services.store.registry.listPacks();
        } catch (cause) {
          throw new HarmoniaError('STORE_UNAVAILABLE', `the ${services.store.backend} store does not answer`, { cause });
        }
        const git = services.git_sources?.readiness();
        if (git && !git.ready) return { status: 503, body: { status: 'not_ready', reason: git.reason } };
        return { body: { status: 'ready' } };
      },
    },
    {
      method: 'GET',
      path: '/status',
      base: 'api',
      scope: 'read',
      tag: 'system',
      summary: 'Version, uptime, store backend, counts, running executions and (PostgreSQL) the cluster nodes.',
      responses: { 200: { description: 'The server status.', schema: 'ServerStatus' } },
      handler: async (_request, services) => {
        const running = await services.store.executions.listExecutions({ status: 'running', limit: 1000, offset: 0 });
        const body: ServerStatusView = {
          name: 'harmonia',
          version: services.options.version,
          uptime_seconds: Math.round((services.now().getTime() - services.started_at.getTime()) / 1000),
          store: { backend: services.store.backend },
          counts: {
            packs: (await services.store.registry.listPacks()).length,
            workflows: await definitionCount(services, 'workflow'),
            templates: await definitionCount(services, 'template'),
            components: (await services.store.components.listComponents()).length,
            executions: await executionCounts(services),
          },
          running_executions: running.items.map((e) => e.id),
          ...(services.store.leases ? { nodes: await services.store.leases.listNodes() } : {}),
        };
        return { body };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      base: 'root',
      scope: 'read',
      tag: 'system',
      summary: 'Prometheus metrics: executions by status, tasks, HTTP requests by route and status, durations.',
      responses: { 200: { description: 'Prometheus text format 0.0.4.', content_type: 'text/plain' } },
      handler: async (_request, services) => {
        const counts = await executionCounts(services);
        const gauge = renderGauge(
          'harmonia_executions',
          'Executions in the store by status.',
          new Map(STATUSES.map((s) => [labels({ status: s }), counts[s]])),
        );
        const uptime = (services.now().getTime() - services.started_at.getTime()) / 1000;
        const text = [
          gauge,
          services.metrics.render(),
          '# HELP harmonia_uptime_seconds Seconds since the server started.',
          '# TYPE harmonia_uptime_seconds gauge',
          `harmonia_uptime_seconds ${uptime}`,
          ...(services.log_lines_dropped
            ? [
                '# HELP harmonia_log_lines_dropped_total Log lines dropped because stdout\'s reader had fallen behind (HARMONIA_LOG_BUFFER_SIZE) or gone.',
                '# TYPE harmonia_log_lines_dropped_total counter',
                `harmonia_log_lines_dropped_total ${services.log_lines_dropped()}`,
              ]
            : []),
          '',
        ].join('\n');
        return { body: text, content_type: 'text/plain; version=0.0.4; charset=utf-8' };
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      base: 'root',
      scope: 'public',
      tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document.',
      responses: { 200: { description: 'The OpenAPI document.' } },
      handler: async (_request, services) => {
        openapi ??= buildOpenApiDocument(services.routes, services.streams, {
          version: services.options.version,
          schemas_dir: services.options.schemas_dir,
        });
        return { body: openapi, content_type: 'application/json' };
      },
    },
    {
      method: 'GET',
      path: '/docs',
      base: 'root',
      scope: 'public',
      tag: 'system',
      summary: 'A readable rendering of /openapi.json.',
      responses: { 200: { description: 'An HTML page.', content_type: 'text/html' } },
      handler: async () => ({ body: renderDocsPage(), content_type: 'text/html; charset=utf-8', headers: docsPageHeaders() }),
    },
  ]);
}
