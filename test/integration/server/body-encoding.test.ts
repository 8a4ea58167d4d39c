import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('a JSON body that is not UTF-8', () => {
  it('is refused with 400 REQUEST_INVALID naming the byte, and nothing is created', async () => {
    const before = (await h.call<{ total: number }>('GET', '/api/executions')).body.total;
    // {"workflow_ref":"demo.hello","input":{"name":"<0xff>"}}
    const body = Buffer.concat([Buffer.from('{"workflow_ref":"demo.hello","input":{"name":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    const response = await fetch(`${h.url}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    const payload = (await response.json()) as { error: { code: string; message: string; details: { byte_offset: number } } };
    expect(payload.error.code).toBe('REQUEST_INVALID');
    expect(payload.error.message).toBe('request body is not valid UTF-8 at byte 46; send UTF-8 text');
    expect(payload.error.details.byte_offset).toBe(46);
    expect((await h.call<{ total: number }>('GET', '/api/executions')).body.total).toBe(before);
  });

  it('refuses a YAML workflow body that is not UTF-8 the same way', async () => {
    const body = Buffer.concat([Buffer.from('name: bad\nversion: 1.0.0\ndescription: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\ntasks:\n  t: { action: core.noop }\n')]);
    const response = await fetch(`${h.url}/api/v1/workflows`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_INVALID');
  });
});

// PostgreSQL cannot hold U+0000 in text: a NUL in an id, a filter or a body string that
// reaches a text column was a 500 there (and fine on SQLite). Refused alike on both.
describe('U+0000 in a request', () => {
  type ErrorBody = { error: { code: string; message: string; details: { pointer?: string } } };

  it('is refused with 400 REQUEST_INVALID in a path segment, a query parameter and any string of a JSON body, naming where', async () => {
    const before = (await h.call<{ total: number }>('GET', '/api/executions')).body.total;
    const inPath = await h.call<ErrorBody>('GET', '/api/v1/executions/a%00b');
    expect([inPath.status, inPath.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
    expect(inPath.body.error.message).toContain('U+0000');
    const inQuery = await h.call<ErrorBody>('GET', '/api/v1/executions?text=a%00b');
    expect([inQuery.status, inQuery.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
    const sse = await fetch(`${h.url}/events/executions/a%00b`);
    expect(sse.status).toBe(400);
    await sse.body?.cancel();
    const inBody = await h.call<ErrorBody>('POST', '/api/v1/executions', { text: '{"workflow_ref":"demo.hello","input":{"who":"a\\u0000b"}}', contentType: 'application/json' });
    expect([inBody.status, inBody.body.error.code, inBody.body.error.details.pointer]).toEqual([400, 'REQUEST_INVALID', '/input/who']);
    const inKey = await h.call<ErrorBody>('POST', '/api/v1/executions', { text: '{"workflow_ref":"demo.hello","input":{"w\\u0000ho":"x"}}', contentType: 'application/json' });
    expect([inKey.status, inKey.body.error.details.pointer]).toEqual([400, '/input/w\u0000ho']);
    expect((await h.call<{ total: number }>('GET', '/api/executions')).body.total).toBe(before);
    // An escaped backslash followed by u0000 is six ordinary characters.
    const literal = await h.call('POST', '/api/v1/executions', { text: '{"workflow_ref":"demo.hello","input":{"who":"a\\\\u0000b"}}', contentType: 'application/json' });
    expect(literal.status).toBe(201);
  });

  it('is refused in a WebSocket handshake', async () => {
    const { WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/a%00b`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
    expect(status).toBe(400);
  });
});
