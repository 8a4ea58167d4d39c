import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode } from '../../../src/cluster/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';

describe('createNode() on SQLite', () => {
  it('is the single-node engine: runs executions and lets running ones finish on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-node-'));
    const store = createSqliteStore({ file: join(dir, 'h.db') });
    const entered = gate();
    const release = gate();
    const node = createNode({ store, actions: actionsWith({ 'test.wait': handler(async () => { entered.open(); await release.promise; return { ok: true }; }) }) });
    expect(node.clustered).toBe(false);
    await node.start();
    await register(store, 'demo.wait', workflow([{ id: 'w', action: 'test.wait' }]));
    const run = await node.engine.startExecution({ workflow_ref: 'demo.wait' });
    await entered.promise;
    const closed = node.close({ grace_ms: 60_000 });
    release.open();
    await closed;
    expect((await store.executions.getExecution(run.id))?.status).toBe('completed');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
