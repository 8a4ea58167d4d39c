/**
 * HARMONIA_HTTP_ALLOW_PRIVATE on `serve`: by default core.http cannot reach loopback (the
 * server's own API included); with the setting it can. The server's own token never shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const TOKEN = 'admin-tok-9931';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(env: Record<string, string>): Promise<ServedHarmonia> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-policy-'));
  const config = resolveConfig({ port: 0, host: '127.0.0.1' }, { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_API_TOKENS: TOKEN, ...env });
  const store: Store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const running = await serveHarmonia({ config, store, env: { PATH: process.env.PATH ?? '' }, version: '0.0.0', logger: pino({ level: 'silent' }), sync_on_start: false });
  cleanups.push(async () => {
    await running.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return running;
}

/** Runs a workflow whose one task calls the server's own status API with its token. */
async function callOwnApi(running: ServedHarmonia): Promise<{ status: string; text: string }> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' };
  const workflow = `name: probe\nversion: 1.0.0\ntasks:\n  own:\n    action: core.http\n    input: { url: "${running.url}/api/status", headers: { authorization: "Bearer ${TOKEN}" } }\n`;
  expect((await fetch(`${running.url}/api/workflows`, { method: 'POST', headers, body: workflow })).status).toBe(201);
  const started = await fetch(`${running.url}/api/executions`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_ref: 'api.probe' }),
  });
  const { id } = (await started.json()) as { id: string };
  const done = await running.node.engine.waitForCompletion(id);
  const view = await fetch(`${running.url}/api/executions/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: done.status, text: await view.text() };
}

describe('the private-address policy of serve', () => {
  it('refuses loopback by default: a workflow cannot call the server it runs on', async () => {
    const result = await callOwnApi(await serve({}));
    expect(result.status).toBe('failed');
    expect(result.text).toContain('ACTION_FORBIDDEN');
    expect(result.text).toContain('private or loopback');
    expect(result.text).not.toContain(TOKEN);
  });

  it('allows loopback with HARMONIA_HTTP_ALLOW_PRIVATE=true, still masking the token', async () => {
    const result = await callOwnApi(await serve({ HARMONIA_HTTP_ALLOW_PRIVATE: 'true' }));
    expect(result.status).toBe('completed');
    expect(result.text).not.toContain(TOKEN);
  });
});
