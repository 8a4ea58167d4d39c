import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };

async function wsStatus(path: string): Promise<number> {
  const { WebSocket } = await import('ws');
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => undefined);
  });
}

describe('a malformed percent escape in a path segment', () => {
  it('is 400 REQUEST_INVALID on every route, quoting the segment bounded', async () => {
    for (const [method, path] of [
      ['GET', '/api/executions/%ff'],
      ['GET', '/api/v1/executions/%E0%A4%A'],
      ['GET', '/api/v1/executions/%'],
      ['POST', '/api/v1/executions/%ff/cancel'],
      ['GET', '/api/v1/workflows/%c3%28'],
      ['GET', '/events/executions/%ff'],
    ] as const) {
      const response = await fetch(`${h.url}${path}`, { method });
      const body = (await response.json()) as ErrorBody;
      expect([path, response.status, body.error.code]).toEqual([path, 400, 'REQUEST_INVALID']);
      expect(body.error.message).toContain('percent-encoded');
    }
    const long = await h.call<ErrorBody>('GET', `/api/v1/executions/${'%ff'.repeat(2_000)}`);
    expect([long.status, long.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
    expect(long.text.length).toBeLessThan(1_000);
  });

  it('is answered alike on the WebSocket', async () => {
    expect(await wsStatus('/ws/executions/%ff')).toBe(400);
  });

  it('in a query value is refused too, rather than read as U+FFFD', async () => {
    const bad = await h.call<ErrorBody>('GET', '/api/v1/executions?text=%ff');
    expect([bad.status, bad.body.error.code, bad.body.error.details.parameter]).toEqual([400, 'REQUEST_INVALID', 'text']);
    expect(await wsStatus('/ws/executions/x/logs?task=%ff')).toBe(400);
  });
});

describe('a repeated query parameter', () => {
  it('is 400 REQUEST_INVALID naming it, on REST routes and the WebSocket', async () => {
    const twice = await h.call<ErrorBody>('GET', '/api/v1/executions?limit=1&limit=2');
    expect([twice.status, twice.body.error.code, twice.body.error.details.parameter]).toEqual([400, 'REQUEST_INVALID', 'limit']);
    expect(twice.body.error.message).toContain("'limit'");
    const once = await h.call('GET', '/api/v1/executions?limit=1');
    expect(once.status).toBe(200);
    const started = await h.call<{ id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello' } });
    expect(await wsStatus(`/ws/executions/${started.body.id}?after_seq=1&after_seq=2`)).toBe(400);
  });
});

describe('a request body in a content coding', () => {
  it('is 415 UNSUPPORTED_MEDIA_TYPE naming the coding, with Accept-Encoding: identity, on every body route', async () => {
    const before = (await h.call<{ total: number }>('GET', '/api/executions')).body.total;
    const json = gzipSync(Buffer.from(JSON.stringify({ workflow_ref: 'demo.hello' })));
    for (const [path, coding] of [
      ['/api/v1/executions', 'gzip'],
      ['/api/v1/executions', 'br'],
      ['/api/v1/workflows', 'gzip'],
      ['/api/v1/hooks/demo/hello/push', 'deflate'],
    ] as const) {
      const response = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': coding }, body: json });
      const body = (await response.json()) as ErrorBody;
      expect([path, response.status, body.error.code]).toEqual([path, 415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(body.error.message).toContain(`'${coding}'`);
      expect(response.headers.get('accept-encoding')).toBe('identity');
    }
    const identity = await fetch(`${h.url}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: JSON.stringify({ workflow_ref: 'demo.hello' }) });
    expect(identity.status).toBe(201);
    expect((await h.call<{ total: number }>('GET', '/api/executions')).body.total).toBe(before + 1);
  });
});
