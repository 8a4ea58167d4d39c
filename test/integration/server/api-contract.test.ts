import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointView, ComponentView, ErrorResponse, ExecutionView, PackView, Paginated, WorkflowVersionsView } from '../../../src/core/wire.js';
import { appInternals } from '../../../src/server/app.js';
import { errorMiddleware } from '../../../src/server/error-middleware.js';
import { mountRoutes } from '../../../src/server/mount-routes.js';
import type { RouteDef } from '../../../src/server/route.js';
import { createRequestValidator } from '../../../src/server/validate-request.js';
import { createResponseContract } from '../../../src/server/validate-response.js';
import { openServer, type ServerHarness } from './server-harness.js';

const EXTRA_PACK = {
  'extra/pack.yaml': 'ref: extra\nversion: 1.0.0\n',
  'extra/workflows/ping.yaml': 'version: 1.0.0\ntasks:\n  ping: { action: core.noop }\n',
};

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ files: EXTRA_PACK });
  await appInternals(h.server.app).services.packs.syncPack('extra');
});
afterAll(async () => {
  await h.close();
});

describe('the response contract in the test run', () => {
  it('is on for every server the tests start (HARMONIA_VALIDATE_RESPONSES in vitest.config.ts)', () => {
    expect(appInternals(h.server.app).services.options.validate_responses).toBe(true);
  });

  it('answers 500 RESPONSE_CONTRACT_VIOLATION naming the field, and logs it, when a route answers off its schema', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) }));
    const { services, authenticator } = appInternals(h.server.app);
    const probe: RouteDef = {
      method: 'GET',
      path: '/probe',
      base: 'root',
      scope: 'public',
      tag: 'system',
      summary: 'answers a Health body whose status is a number',
      responses: { 200: { description: 'Off its schema.', schema: 'Health' } },
      handler: () => Promise.resolve({ body: { status: 7 } }),
    };
    const app = new Koa();
    app.use(errorMiddleware(logger));
    app.use(mountRoutes([probe], { services, authenticator, validate: createRequestValidator(), contract: createResponseContract({ schemas_dir: services.options.schemas_dir, logger }) }));
    const server: Server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`);
      expect(res.status).toBe(500);
      expect(((await res.json()) as ErrorResponse).error).toMatchObject({
        code: 'RESPONSE_CONTRACT_VIOLATION',
        message: 'GET /probe answered 200 a body that does not match Health: /status must be string; see /openapi.json',
      });
      expect(lines.join('')).toContain('response contract violation: GET /probe answered 200');
    } finally {
      server.close();
    }
  });
});

describe('query parameters', () => {
  it('refuses one the operation does not declare, naming it and the ones it takes', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/v1/packs?limt=5');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'REQUEST_INVALID',
      message: "unknown query parameter 'limt' for GET /api/packs; it takes limit, offset",
      details: { parameter: 'limt', accepted: ['limit', 'offset'] },
    });
  });

  it('quotes a long unknown name cut short, not whole', async () => {
    const name = 'x'.repeat(8000);
    const res = await h.call<ErrorResponse>('GET', `/api/packs?${name}=1`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`unknown query parameter '${'x'.repeat(100)}…' for GET /api/packs; it takes limit, offset`);
    expect((res.body.error.details as { parameter: string }).parameter).toBe(`${'x'.repeat(100)}…`);
  });

  it('refuses any on an operation that takes none', async () => {
    const res = await h.call<ErrorResponse>('GET', '/health?verbose=1');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("unknown query parameter 'verbose' for GET /health; it takes none");
  });

  it('lists exactly the accepted ones as the operation\'s parameters in /openapi.json', async () => {
    type Doc = { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>> };
    const doc = (await h.call<Doc>('GET', '/openapi.json')).body;
    const names = (path: string) => (doc.paths[path]?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(names('/api/packs')).toEqual(['limit', 'offset']);
    expect(names('/api/executions')).toEqual(['status', 'workflow_ref', 'created_since', 'created_until', 'finished_since', 'finished_until', 'text', 'sort', 'limit', 'offset']);
  });
});

describe('every listing pages alike', () => {
  it('pages packs with limit and offset in the one envelope', async () => {
    const all = await h.call<Paginated<PackView>>('GET', '/api/v1/packs');
    expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(all.body.items.map((p) => p.ref)).toEqual(['demo', 'extra']);
    const second = await h.call<Paginated<PackView>>('GET', '/api/v1/packs?limit=1&offset=1');
    expect(second.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(second.body.items.map((p) => p.ref)).toEqual(['extra']);
  });

  it('pages components', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) {
      expect((await h.call('POST', '/api/v1/components', { json: { name, base_url: `http://127.0.0.1:9/${name}`, capabilities: [] } })).status).toBe(201);
    }
    const page = await h.call<Paginated<ComponentView>>('GET', '/api/v1/components?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.body.items).toHaveLength(2);
  });

  it("pages a workflow's versions and an execution's checkpoints", async () => {
    const versions = await h.call<WorkflowVersionsView>('GET', '/api/v1/workflows/demo.hello/versions?limit=1');
    expect(versions.body).toMatchObject({ ref: 'demo.hello', total: 1, limit: 1, offset: 0 });
    const started = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' } });
    await h.engine.waitForCompletion(started.body.execution_id);
    const checkpoints = await h.call<Paginated<CheckpointView>>('GET', `/api/v1/checkpoints?execution_id=${started.body.execution_id}&offset=5`);
    expect(checkpoints.body).toMatchObject({ items: [], limit: 50, offset: 5 });
  });

  it('refuses a limit out of range the same way on every listing', async () => {
    for (const path of ['/api/v1/packs', '/api/v1/components', '/api/v1/schedules', '/api/v1/workflows/demo.hello/versions', '/api/v1/executions']) {
      const res = await h.call<ErrorResponse>('GET', `${path}?limit=1001`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toBe("query parameter limit='1001' must be an integer from 1 to 1000");
    }
  });
});

describe('GET /executions sort and time filters', () => {
  it('sorts oldest first with sort=created_at and by workflow ref', async () => {
    const first = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'extra.ping' } });
    const second = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' } });
    await Promise.all([h.engine.waitForCompletion(first.body.execution_id), h.engine.waitForCompletion(second.body.execution_id)]);
    const ids = async (query: string) => (await h.call<Paginated<ExecutionView>>('GET', `/api/v1/executions?${query}`)).body.items.map((e) => e.execution_id);
    const oldestFirst = await ids('sort=created_at');
    expect(oldestFirst.indexOf(first.body.execution_id)).toBeLessThan(oldestFirst.indexOf(second.body.execution_id));
    expect((await ids('sort=-created_at'))).toEqual([...oldestFirst].reverse());
    expect((await ids('sort=-workflow_ref'))[0]).toBe(first.body.execution_id);
  });

  it('filters by finish time', async () => {
    const all = await h.call<Paginated<ExecutionView>>('GET', '/api/v1/executions?finished_since=2000-01-01');
    expect(all.body.total).toBeGreaterThan(0);
    expect(all.body.items.every((e) => e.finished_at !== null)).toBe(true);
    const none = await h.call<Paginated<ExecutionView>>('GET', '/api/v1/executions?finished_until=2000-01-01');
    expect(none.body.total).toBe(0);
  });

  it('refuses an unknown sort key, naming the ones it takes', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/v1/executions?sort=size');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "query parameter sort='size' must be one of created_at, -created_at, updated_at, -updated_at, finished_at, -finished_at, status, -status, workflow_ref, -workflow_ref",
    );
  });
});
