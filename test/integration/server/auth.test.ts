import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorResponse } from '../../../src/core/wire.js';
import { appInternals } from '../../../src/server/app.js';
import type { RouteDef } from '../../../src/server/route.js';
import { startServer } from '../../../src/server/start-server.js';
import { createToken, revokeToken } from '../../../src/server/tokens.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { readSse } from './sse-client.js';

let h: ServerHarness;
let tokenDir: string;
let tokenFile: string;
const fileTokens = { reader: '', expired: '', revoked: '' };

beforeAll(async () => {
  tokenDir = mkdtempSync(join(tmpdir(), 'harmonia-tokens-'));
  tokenFile = join(tokenDir, 'tokens.json');
  fileTokens.reader = createToken(tokenFile, { scopes: ['read'], label: 'dashboard' }).token;
  fileTokens.expired = createToken(tokenFile, { scopes: ['admin'], expires_in_seconds: 1, now: new Date('2020-01-01T00:00:00Z') }).token;
  const revoked = createToken(tokenFile, { scopes: ['admin'] });
  fileTokens.revoked = revoked.token;
  revokeToken(tokenFile, revoked.record.id);
  h = await openServer({
    server: { tokens: 'admin-tok,reader-tok:read,writer-tok:read+write', token_file: tokenFile, allowed_origins: ['https://ui.example'] },
  });
});
afterAll(async () => {
  await h.close();
  rmSync(tokenDir, { recursive: true, force: true });
});

function concrete(route: RouteDef): string {
  const path = route.path.replace(/:([A-Za-z_]+)/g, 'x');
  return route.base === 'api' ? `/api${path}` : path;
}

describe('the route table', () => {
  it('leaves only health, readiness and the API description public', () => {
    const { routes } = appInternals(h.server.app).services;
    const open = routes.filter((r) => r.scope === 'public').map((r) => `${r.method} ${concrete(r)}`);
    expect(open.sort()).toEqual(['GET /docs', 'GET /health', 'GET /openapi.json', 'GET /ready']);
  });

  it('answers every non-public route with 401 without a token', async () => {
    const { routes } = appInternals(h.server.app).services;
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.scope !== 'public')) {
      for (const prefix of route.base === 'api' ? ['', '/v1'] : ['']) {
        const path = prefix === '' ? concrete(route) : concrete(route).replace('/api', '/api/v1');
        const res = await h.call(route.method, path, route.body ? { json: {} } : {});
        if (res.status !== 401) failures.push(`${route.method} ${path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers a route with 403 when the token lacks its scope', async () => {
    const { routes } = appInternals(h.server.app).services;
    const failures: string[] = [];
    for (const route of routes) {
      const token = route.scope === 'write' ? 'reader-tok' : route.scope === 'admin' ? 'writer-tok' : null;
      if (token === null) continue;
      const res = await h.call(route.method, concrete(route), { token, ...(route.body ? { json: {} } : {}) });
      if (res.status !== 403) failures.push(`${route.method} ${concrete(route)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('declares a scope for every WebSocket endpoint and refuses them without a token', async () => {
    const { streams } = appInternals(h.server.app).services;
    expect(streams.map((s) => `${s.path} ${s.scope}`)).toEqual(['/ws/executions/:id read', '/ws/executions/:id/logs read', '/ws/events read']);
    for (const stream of streams) {
      const status = await handshake(stream.path.replace(':id', 'x'));
      expect(status).toBe(401);
    }
  });
});

function handshake(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

describe('bearer tokens', () => {
  it('accepts a configured token and reports the scope needed when it is short', async () => {
    expect((await h.call('GET', '/api/status', { token: 'reader-tok' })).status).toBe(200);
    const res = await h.call<ErrorResponse>('DELETE', '/api/packs/demo', { token: 'reader-tok' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'AUTH_FORBIDDEN', details: { required_scope: 'admin' } });
  });

  it('answers a missing token with 401 and a WWW-Authenticate header', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/status');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.body.error.code).toBe('AUTH_REQUIRED');
  });

  it('accepts a token created into the token file, with its scopes', async () => {
    expect(fileTokens.reader.startsWith('hmn_')).toBe(true);
    expect((await h.call('GET', '/api/workflows', { token: fileTokens.reader })).status).toBe(200);
    expect((await h.call('POST', '/api/executions', { token: fileTokens.reader, json: { workflow_ref: 'demo.hello' } })).status).toBe(403);
  });

  it('refuses an expired token with 401', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/status', { token: fileTokens.expired });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('expired');
  });

  it('refuses a revoked token with 401', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/status', { token: fileTokens.revoked });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('revoked');
  });

  it('refuses an unknown token with 401', async () => {
    expect((await h.call('GET', '/api/status', { token: 'guess' })).status).toBe(401);
  });

  it('takes a revocation in the token file into account without a restart', async () => {
    const created = createToken(tokenFile, { scopes: ['read'] });
    expect((await h.call('GET', '/api/status', { token: created.token })).status).toBe(200);
    revokeToken(tokenFile, created.record.id);
    expect((await h.call('GET', '/api/status', { token: created.token })).status).toBe(401);
  });
});

describe('stream handshakes', () => {
  it('accept ?token= for browsers on WebSocket and SSE', async () => {
    expect(await handshake('/ws/events?token=reader-tok')).toBe(101);
    const sse = await readSse(`${h.url}/events?token=reader-tok`, { until: () => true, headOnly: true });
    expect(sse.status).toBe(200);
  });

  it('refuse a cross-site Origin and accept a configured one', async () => {
    expect(await handshake('/ws/events?token=reader-tok', { origin: 'https://evil.example' })).toBe(403);
    expect(await handshake('/ws/events?token=reader-tok', { origin: 'https://ui.example' })).toBe(101);
    const res = await h.call('GET', '/events?token=reader-tok', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('check the token before the Origin, as REST does: a foreign page without a token gets 401 everywhere, with a token 403', async () => {
    const evil = { origin: 'https://evil.example' };
    for (const path of ['/ws/events', '/ws/executions/x', '/ws/executions/x/logs']) expect(await handshake(path, evil)).toBe(401);
    expect(await handshake('/ws/events?token=nope', evil)).toBe(401);
    expect((await h.call('GET', '/events', { headers: evil })).status).toBe(401);
    expect((await h.call('GET', '/api/status', { headers: evil })).status).toBe(401);
    expect((await h.call('POST', '/api/packs/sync', { headers: evil })).status).toBe(401);
    expect(await handshake('/ws/events?token=reader-tok', evil)).toBe(403);
    expect((await h.call('GET', '/events?token=reader-tok', { headers: evil })).status).toBe(403);
    expect((await h.call('POST', '/api/packs/sync', { token: 'admin-tok', headers: evil })).status).toBe(403);
  });

  it('accept the server\'s own origin', async () => {
    expect(await handshake('/ws/events?token=reader-tok', { origin: h.url })).toBe(101);
  });

  it('refuse a token of the wrong scope over the URL too', async () => {
    expect(await handshake('/ws/events?token=nope')).toBe(401);
  });
});

describe('startServer()', () => {
  it('refuses to listen beyond loopback without a token', async () => {
    await expect(
      startServer({ store: h.store, engine: h.engine, packs: appInternals(h.server.app).services.packs, host: '0.0.0.0', port: 0 }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
