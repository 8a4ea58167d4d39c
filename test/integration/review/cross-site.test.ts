import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  // no tokens: the loopback default, where every request acts as admin
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('a body-less POST sent by a page on another site', () => {
  it('is refused with 403 and leaves the execution running', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'demo.slow' } });
    const refused = await h.call<{ error: { code: string } }>('POST', `/api/executions/${started.body.id}/terminate`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTH_FORBIDDEN');
    expect((await h.engine.getExecution(started.body.id)).status).toBe('running');
    const own = await h.call('POST', `/api/executions/${started.body.id}/terminate`, { headers: { origin: h.url } });
    expect(own.status).toBe(200);
  });

  it('still lets clients without an Origin (curl, the CLI) act, and any origin read', async () => {
    expect((await h.call('POST', '/api/packs/demo/workflows/validate')).status).toBe(200);
    expect((await h.call('GET', '/api/workflows', { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });
});

describe('a request whose Host is not a loopback name, to a server without tokens', () => {
  // DNS rebinding: a foreign site's name resolved to 127.0.0.1 reaches the API with that name in Host.
  const get = (path: string, host: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(path, h.url);
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('is refused with 403, while loopback names are served', async () => {
    expect(await get('/api/workflows', 'evil.example:8002')).toBe(403);
    expect(await get('/health', 'rebind.attacker.test')).toBe(403);
    expect(await get('/api/workflows', `localhost:${new URL(h.url).port}`)).toBe(200);
    expect(await get('/api/workflows', new URL(h.url).host)).toBe(200);
    expect(await get('/api/workflows', `[::1]:${new URL(h.url).port}`)).toBe(200);
  });
});
