/**
 * core.http redirects follow the fetch standard: credentials never cross origins, a body is
 * never re-sent to another origin, and 301/302 (POST) and 303 become body-less GETs.
 * Two real servers on loopback: 127.0.0.1 and localhost differ by origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpAction } from '../../../src/actions/core-http.js';
import { makeContext } from '../../unit/actions/make-context.js';
import { sendJson, startServer, type TestServer } from './http-server.js';

const CREDENTIALS = {
  authorization: 'Bearer t0ken-value',
  'proxy-authorization': 'Basic cHJveHk6cHc=',
  cookie: 'sid=abc',
  'x-api-key': 'k3y-value',
  'x-auth-token': 'tok-value',
};

let origin: TestServer;
let other: TestServer;
const http = createHttpAction({ policy: {}, lookup: async () => ['127.0.0.1'] });

beforeAll(async () => {
  other = await startServer((req, res) => sendJson(res, 200, { headers: req.headers, method: req.method, body: req.body }));
  // The other server under another origin: same address, a host name instead of the IP.
  const otherUrl = `http://localhost:${other.port}`;
  origin = await startServer((req, res) => {
    const match = /^\/(\d{3})\/(same|cross)$/.exec(req.url);
    if (match) {
      const target = match[2] === 'same' ? '/echo' : `${otherUrl}/echo`;
      res.writeHead(Number(match[1]), { location: target });
      return res.end();
    }
    return sendJson(res, 200, { headers: req.headers, method: req.method, body: req.body });
  });
});
afterAll(async () => {
  await origin.close();
  await other.close();
});

describe('core.http redirects', () => {
  it.each([301, 302, 303, 307, 308])('strips credential headers on a cross-origin %i', async (status) => {
    const result = await http.run({ url: `${origin.url}/${status}/cross`, headers: { ...CREDENTIALS, 'x-trace': 'kept' } }, makeContext());
    expect(result.status).toBe('success');
    const seen = other.requests.at(-1)?.headers ?? {};
    for (const name of Object.keys(CREDENTIALS)) expect(seen[name], name).toBeUndefined();
    expect(seen['x-trace']).toBe('kept');
  });

  it('keeps credentials on a same-origin redirect', async () => {
    await http.run({ url: `${origin.url}/307/same`, headers: CREDENTIALS }, makeContext());
    expect(origin.requests.at(-1)?.headers.authorization).toBe(CREDENTIALS.authorization);
  });

  it('does not re-send a body to another origin on 307 or 308', async () => {
    const before = other.requests.length;
    for (const status of [307, 308]) {
      const result = await http.run({ method: 'POST', url: `${origin.url}/${status}/cross`, body: { secret: 'payload' } }, makeContext());
      expect(result).toMatchObject({ status: 'error', error_type: 'HTTP_ERROR', is_retriable: false });
      expect(result.status === 'error' ? result.error_message : '').toContain('another origin');
    }
    expect(other.requests.length).toBe(before);
  });

  it('re-sends a body on a same-origin 307', async () => {
    const result = await http.run({ method: 'POST', url: `${origin.url}/307/same`, body: { a: 1 } }, makeContext());
    expect(result).toMatchObject({ status: 'success', data: { body: { method: 'POST', body: '{"a":1}' } } });
  });

  it('turns a POST redirected by 303 into a GET without body or content headers', async () => {
    const result = await http.run({ method: 'POST', url: `${origin.url}/303/cross`, body: { a: 1 } }, makeContext());
    expect(result).toMatchObject({ status: 'success', data: { body: { method: 'GET', body: '' } } });
    expect(other.requests.at(-1)?.headers['content-type']).toBeUndefined();
  });
});
