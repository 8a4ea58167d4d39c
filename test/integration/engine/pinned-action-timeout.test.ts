/**
 * The deadline of a pinned pack action is its pinned version's `timeout_ms`, also when the
 * execution is carried on by a new engine after a newer version became active.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

let dir: string;
let store: Store;
const engines: Engine[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-pinned-timeout-'));
  const tools = join(dir, 'packs', 'tools');
  mkdirSync(join(tools, 'actions'), { recursive: true });
  mkdirSync(join(tools, 'workflows'), { recursive: true });
  writeFileSync(join(tools, 'pack.yaml'), 'ref: tools\nversion: 1.0.0\n');
  writeFileSync(join(tools, 'actions', 'slow.sh'), '#!/bin/sh\nexec sleep 30\n');
  writeFileSync(join(tools, 'workflows', 'flow.yaml'), 'version: 1.0.0\ntasks:\n  slow:\n    action: tools.slow\n');
  store = createSqliteStore({ file: join(dir, 'harmonia.db') });
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeAction(timeoutMs: number): void {
  writeFileSync(join(dir, 'packs', 'tools', 'actions', 'slow.yaml'), `runner: shell\nentry_point: slow.sh\ntimeout_ms: ${timeoutMs}\nparameters: {}\n`);
}

async function sync(): Promise<void> {
  await createPackSyncService({ store, packsDir: join(dir, 'packs') }).syncAll();
}

function engine(): Engine {
  const actions = createActionRegistry({
    pinned: { store, packs_dir: join(dir, 'packs'), cache_dir: join(dir, 'action-cache') },
    parent_env: { PATH: process.env.PATH },
    kill_grace_ms: 100,
  });
  const created = createEngine({ store, actions, config: { default_timeout_ms: 2500 } });
  engines.push(created);
  return created;
}

function next(on: Engine, match: (event: ExecutionEvent) => boolean): Promise<ExecutionEvent> {
  return new Promise((resolve) => {
    const off = on.bus.subscribe({}, (event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
}

describe('a pinned pack action\'s timeout_ms', () => {
  it('applies to the execution that pinned it, even after a restart with a newer version active', async () => {
    writeAction(300);
    await sync();
    const first = engine();
    await first.start();
    const started = next(first, (e) => e.event_type === 'task_started');
    const run = await first.startExecution({ workflow_ref: 'tools.flow' });
    await started;
    await first.stop();
    writeAction(60_000);
    await sync();
    expect((await store.registry.getActive('action', 'tools.slow'))?.version).toBe(2);
    const second = engine();
    await second.start();
    const done = await second.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'TIMEOUT', message: expect.stringContaining('300 ms') });
  });
});
