import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
let built: string;
let h: ServerHarness;

beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'harmonia-console-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><script type="module" src="/ui/assets/app-1a2b.js"></script>');
  writeFileSync(join(built, 'assets', 'app-1a2b.js'), SCRIPT);
  h = await openServer({ server: { console_dir: built } });
});

afterAll(async () => {
  await h?.close();
  rmSync(built, { recursive: true, force: true });
});

describe('the console at /ui/', () => {
  it('redirects / and /ui to /ui/', async () => {
    for (const path of ['/', '/ui']) {
      const response = await fetch(`${h.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/ui/');
    }
  });

  it('answers every other /ui/ path with index.html, revalidated, so deep links open the app', async () => {
    const response = await fetch(`${h.url}/ui/executions/abc?task=build&attempt=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await response.text()).toContain('/ui/assets/app-1a2b.js');
    const again = await fetch(`${h.url}/ui/`, { headers: { 'if-none-match': response.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets gzipped and cached for good, and 404s a missing one', async () => {
    const response = await fetch(`${h.url}/ui/assets/app-1a2b.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    // fetch inflates it again
    expect(await response.text()).toBe(SCRIPT);
    const plain = await fetch(`${h.url}/ui/assets/app-1a2b.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
    const missing = await fetch(`${h.url}/ui/assets/app-0000.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("no console asset 'assets/app-0000.js'");
  });

  it('never reads a path from the request: traversal gets index.html, not a file', async () => {
    const response = await fetch(`${h.url}/ui/..%2f..%2fpackage.json`);
    expect(await response.text()).toContain('<!doctype html>');
  });

  it('leaves the API alone, and counts every console path under one metrics label', async () => {
    expect((await h.call('GET', '/api/v1/status')).status).toBe(200);
    const metrics = await h.call('GET', '/metrics');
    expect(metrics.text).toMatch(/harmonia_http_requests_total\{method="GET",route="\/ui\/\*",status="200"\} \d+/);
    expect(metrics.text).not.toContain('/ui/executions/abc');
  });

  it('says how to build the console when none was built', async () => {
    const bare = await openServer({ server: { console_dir: null } });
    try {
      const response = await fetch(`${bare.url}/ui/`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('run `npm run build`');
    } finally {
      await bare.close();
    }
  });
});

describe('GET /api/v1/session', () => {
  it('tells a token its scopes, and says when the server has no tokens', async () => {
    expect((await h.call('GET', '/api/v1/session')).body).toEqual({ principal_id: 'anonymous', scopes: ['admin'], auth_enabled: false, git: false });
    const secured = await openServer({ server: { tokens: 'admin-t,read-t:read' } });
    try {
      expect((await secured.call('GET', '/api/v1/session', { token: 'read-t' })).body).toEqual({ principal_id: 'env:2', scopes: ['read'], auth_enabled: true, git: false });
      expect((await secured.call('GET', '/api/v1/session')).status).toBe(401);
    } finally {
      await secured.close();
    }
  });
});
