import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStatusView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('system routes', () => {
  it('answers /health and /ready', async () => {
    expect((await h.call('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await h.call('GET', '/ready')).body).toEqual({ status: 'ready' });
  });

  it('reports version, store backend and counts on /api/status', async () => {
    const res = await h.call<ServerStatusView>('GET', '/api/status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'harmonia', version: '9.9.9-test', store: { backend: 'sqlite' } });
    expect(res.body.counts).toMatchObject({ packs: 1, workflows: 3, templates: 1 });
  });

  it('serves the same route under /api/v1', async () => {
    const res = await h.call<ServerStatusView>('GET', '/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('harmonia');
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await h.call('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await h.call('GET', '/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await h.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND', details: {} } });
  });

  it('exposes Prometheus metrics with request counts by route and status', async () => {
    await h.call('GET', '/api/status');
    const res = await h.call('GET', '/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toContain('harmonia_http_requests_total{method="GET",route="/api/status",status="200"}');
    expect(res.text).toContain('harmonia_executions{status="running"}');
    expect(res.text).toContain('harmonia_http_request_duration_seconds_bucket{method="GET",route="/api/status",le="+Inf"}');
  });
});
