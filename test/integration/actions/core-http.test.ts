import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpAction } from '../../../src/actions/core-http.js';
import { makeContext } from '../../unit/actions/make-context.js';
import { closedPort, sendJson, startServer, type TestServer } from './http-server.js';

describe('createHttpAction()', () => {
  let server: TestServer;
  let held: Array<() => void>;
  const http = createHttpAction({ policy: {} });
  beforeAll(async () => {
    held = [];
    server = await startServer((req, res) => {
      if (req.url === '/json') return sendJson(res, 200, { ok: true, method: req.method, body: req.body });
      if (req.url === '/text') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('no such thing');
      }
      if (req.url === '/broken') return sendJson(res, 503, { error: 'maintenance' });
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('x'.repeat(10_000));
      }
      if (req.url === '/to-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      if (req.url === '/to-json') {
        res.writeHead(302, { location: '/json' });
        return res.end();
      }
      // /hold...: never answers until the tests end.
      held.push(() => res.end());
    });
  });
  afterAll(async () => {
    for (const release of held) release();
    await server.close();
  });

  it('returns status, headers and the parsed JSON body', async () => {
    const result = await http.run({ url: `${server.url}/json` }, makeContext());
    expect(result).toMatchObject({
      status: 'success',
      data: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true, method: 'GET' } },
    });
  });

  it('sends an object body as JSON', async () => {
    const result = await http.run({ method: 'post', url: `${server.url}/json`, body: { a: 1 } }, makeContext());
    expect(result).toMatchObject({ data: { body: { method: 'POST', body: '{"a":1}' } } });
    expect(server.requests.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('returns a 4xx response as output for the workflow to branch on', async () => {
    const result = await http.run({ url: `${server.url}/text` }, makeContext());
    expect(result).toMatchObject({ status: 'success', data: { status: 404, body: 'no such thing' } });
  });

  it('fails a 5xx response with a retriable HTTP_ERROR', async () => {
    const result = await http.run({ url: `${server.url}/broken` }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'HTTP_ERROR', is_retriable: true });
  });

  it('reports a refused connection as a retriable CONNECTION_ERROR', async () => {
    const port = await closedPort();
    const result = await http.run({ url: `http://127.0.0.1:${port}/` }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'CONNECTION_ERROR', is_retriable: true });
  });

  it('refuses the metadata address without connecting', async () => {
    const result = await http.run({ url: 'http://169.254.169.254/latest/meta-data/' }, makeContext());
    expect(result).toEqual({
      status: 'error',
      error_type: 'ACTION_FORBIDDEN',
      error_message: "GET 'http://169.254.169.254/latest/meta-data/' refused: '169.254.169.254' is a cloud metadata address",
      is_retriable: false,
    });
  });

  it('refuses a host name that resolves to a link-local address', async () => {
    const pinned = createHttpAction({ policy: {}, lookup: async () => ['169.254.7.7'] });
    const result = await pinned.run({ url: 'http://sneaky.example/' }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN', is_retriable: false });
  });

  it('refuses a redirect to the metadata address', async () => {
    const result = await http.run({ url: `${server.url}/to-metadata` }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN' });
  });

  it('follows a redirect to an allowed address', async () => {
    const result = await http.run({ url: `${server.url}/to-json` }, makeContext());
    expect(result).toMatchObject({ status: 'success', data: { status: 200, body: { ok: true } } });
  });

  it('refuses loopback when private addresses are not allowed', async () => {
    const strict = createHttpAction({ policy: { allow_private: false } });
    const result = await strict.run({ url: `${server.url}/json` }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN' });
  });

  it('fails a body larger than the output cap', async () => {
    const result = await http.run({ url: `${server.url}/big` }, makeContext({ max_output_bytes: 1000 }));
    expect(result).toMatchObject({ status: 'error', error_type: 'TASK_OUTPUT_TOO_LARGE', is_retriable: false });
  });

  it('fails with TIMEOUT when its own timeout_ms passes', async () => {
    const result = await http.run({ url: `${server.url}/hold`, timeout_ms: 100 }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'TIMEOUT', is_retriable: true });
  });

  it('fails with CANCELED when the task is canceled mid-request', async () => {
    const controller = new AbortController();
    const pending = http.run({ url: `${server.url}/hold-for-cancel` }, makeContext({ signal: controller.signal }));
    await expect.poll(() => server.requests.some((r) => r.url === '/hold-for-cancel')).toBe(true);
    controller.abort(new Error('canceled'));
    expect(await pending).toMatchObject({ status: 'error', error_type: 'CANCELED', is_retriable: false });
  });

  it('refuses a header value fetch cannot send as invalid input', async () => {
    const result = await http.run({ url: `${server.url}/json`, headers: { 'x-bad': 'a\nb' } }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_INPUT_INVALID', is_retriable: false });
  });

  it('refuses a non-http scheme', async () => {
    const result = await http.run({ url: 'file:///etc/passwd' }, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN' });
  });
});
