import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { ExecutionView } from '../../../src/core/wire.js';
import { serveHarmonia } from '../../../src/server/serve.js';
import type { RunningServer } from '../../../src/server/start-server.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

let dir: string;
let store: Store;
let running: RunningServer;
const auth = { authorization: 'Bearer tok', 'content-type': 'application/json' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-serve-'));
  const tools = join(dir, 'packs', 'tools');
  mkdirSync(join(tools, 'actions'), { recursive: true });
  mkdirSync(join(tools, 'workflows'), { recursive: true });
  writeFileSync(join(tools, 'pack.yaml'), 'ref: tools\nversion: 1.0.0\n');
  writeFileSync(join(tools, 'actions', 'hello.yaml'), 'runner: shell\nentry_point: hello.sh\nparameters: {}\n');
  writeFileSync(join(tools, 'actions', 'hello.sh'), '#!/bin/sh\necho \'{"greeting": "hello from a script"}\'\n');
  chmodSync(join(tools, 'actions', 'hello.sh'), 0o755);
  writeFileSync(join(tools, 'workflows', 'flow.yaml'), 'version: 1.0.0\ntasks:\n  say:\n    action: tools.hello\n');
  const config = resolveConfig(
    { port: 0, host: '127.0.0.1' },
    { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_API_TOKENS: 'tok' },
  );
  store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  running = await serveHarmonia({ config, store, env: { PATH: process.env.PATH }, version: '1.2.3', logger: pino({ level: 'silent' }), sync_on_start: false });
});
afterAll(async () => {
  await running.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveHarmonia()', () => {
  it('serves with the configured tokens and version', async () => {
    expect((await fetch(`${running.url}/api/status`)).status).toBe(401);
    const status = (await (await fetch(`${running.url}/api/status`, { headers: auth })).json()) as { version: string };
    expect(status.version).toBe('1.2.3');
  });

  it('does not sync at start when told not to', async () => {
    const listed = (await (await fetch(`${running.url}/api/workflows`, { headers: auth })).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it('runs a pack script action synced after the server started', async () => {
    const created = await fetch(`${running.url}/api/packs`, { method: 'POST', headers: auth, body: JSON.stringify({ ref: 'tools', version: '1.0.0' }) });
    expect(created.status).toBe(201);
    const started = await fetch(`${running.url}/api/executions`, { method: 'POST', headers: auth, body: JSON.stringify({ workflow_ref: 'tools.flow' }) });
    const execution = (await started.json()) as ExecutionView;
    const events = await fetch(`${running.url}/events/executions/${execution.execution_id}?token=tok`);
    const text = await readUntil(events, 'event: workflow_');
    expect(text).toContain('event: workflow_completed');
    expect(text).toContain('hello from a script');
  });
});

async function readUntil(response: Response, marker: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    const at = text.indexOf(marker, text.indexOf('event: workflow_started') + 1);
    if (at !== -1 && text.indexOf('\n\n', at) !== -1) {
      await reader.cancel();
      return text;
    }
  }
}
