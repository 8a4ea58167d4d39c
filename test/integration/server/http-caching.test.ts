/** ETags with conditional GET, and gzip for large answers (never for streams). */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

/** A raw GET (fetch would decompress and hide Content-Encoding). */
function rawGet(
  path: string,
  headers: Record<string, string>,
  until?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // a stream stays open: stop reading once what the test waits for has arrived
        if (until !== undefined && Buffer.concat(chunks).includes(until)) {
          done();
          req.destroy();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('conditional GET', () => {
  it('answers 304 with no body when If-None-Match names the current ETag of a workflow', async () => {
    const first = await h.call('GET', '/api/workflows/demo.hello');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await h.call('GET', '/api/workflows/demo.hello', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('gives a new ETag once the answer changes', async () => {
    const body = { name: 'Etag Probe', tasks: [{ id: 'a', action: 'core.noop' }] };
    await h.call('POST', '/api/workflows', { json: body });
    const before = (await h.call('GET', '/api/workflows/api.etag_probe')).headers.get('etag') ?? '';
    await h.call('PUT', '/api/workflows/api.etag_probe', { json: { ...body, description: 'changed' } });
    const after = await h.call('GET', '/api/workflows/api.etag_probe', { headers: { 'if-none-match': before } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('revalidates /openapi.json', async () => {
    const etag = (await h.call('GET', '/openapi.json')).headers.get('etag') ?? '';
    expect((await h.call('GET', '/openapi.json', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('gzip', () => {
  it('compresses a large JSON answer for a client that accepts gzip, and the bytes are the same JSON', async () => {
    const res = await rawGet('/openapi.json', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('Accept-Encoding');
    const plain = await rawGet('/openapi.json', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(res.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    expect(res.body.length).toBeLessThan(plain.body.length);
  });

  it('leaves a small answer uncompressed', async () => {
    const res = await rawGet('/health', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ status: 'ok' });
  });

  it('never compresses an event stream', async () => {
    const started = await h.call<{ execution_id: string }>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
    await h.engine.waitForCompletion(started.body.execution_id);
    const res = await rawGet(`/events/executions/${started.body.execution_id}`, { 'accept-encoding': 'gzip', accept: 'text/event-stream' }, 'workflow_completed');
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString('utf8')).toContain('workflow_completed');
  });
});
