/**
 * The server's periodic purge (HARMONIA_EXECUTION_RETENTION) on a real SQLite file and on
 * PostgreSQL, where only the node leading 'execution-purge' runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import { startRetentionPurge } from '../../../src/server/retention-purge.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const quiet = pino({ level: 'silent' });

async function seed(store: Store): Promise<void> {
  await store.executions.createExecution(executionRecord('old', { status: 'completed', finished_at: '2026-05-01T00:00:00.000Z' }));
  await store.executions.createExecution(executionRecord('young', { status: 'failed', finished_at: '2026-05-31T12:00:00.000Z' }));
  await store.executions.createExecution(executionRecord('open', { status: 'running', created_at: '2025-01-01T00:00:00.000Z' }));
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

describe('the periodic purge on SQLite', () => {
  it('deletes at start what finished longer ago than the retention, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-retention-'));
    const store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    const node = createNode({ store, actions: createActionRegistry({ packs: () => null }) });
    opened.push(async () => {
      await node.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await seed(store);
    let passed!: (deleted: number) => void;
    const pass = new Promise<number>((resolve) => (passed = resolve));
    const purge = startRetentionPurge({ store, node, logger: quiet, retention_ms: 7 * DAY, interval_ms: DAY, now: () => NOW, on_pass: (n) => passed(n) });
    opened.push(() => purge.stop());
    expect(await pass).toBe(1);
    expect(await store.executions.getExecution('old')).toBeNull();
    expect(await store.executions.getExecution('young')).not.toBeNull();
    expect(await store.executions.getExecution('open')).not.toBeNull();
  });

  it('runs nothing with retention 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-retention-'));
    const store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    const node = createNode({ store, actions: createActionRegistry({ packs: () => null }) });
    opened.push(async () => {
      await node.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await seed(store);
    const purge = startRetentionPurge({ store, node, logger: quiet, retention_ms: 0, interval_ms: DAY, now: () => NOW });
    expect(await purge.first).toBe(false);
    await purge.stop();
    expect(await store.executions.getExecution('old')).not.toBeNull();
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('periodic purge'), () => {
  const db = usePgSchema();

  it('runs on the one node that leads it', async () => {
    const stores = [await db.makeStore(), await db.openStore()];
    await seed(stores[0] as Store);
    const nodes: ClusterNode[] = stores.map((store, i) => createNode({ store, node_id: `n${i}`, actions: createActionRegistry({ packs: () => null }) }));
    opened.push(async () => {
      for (const node of nodes) await node.close();
    });
    const passes: number[] = [];
    const purges = nodes.map((node, i) =>
      startRetentionPurge({ store: stores[i] as Store, node, logger: quiet, retention_ms: 7 * DAY, interval_ms: DAY, now: () => NOW, on_pass: () => passes.push(i) }),
    );
    opened.push(async () => {
      for (const purge of purges) await purge.stop();
    });
    const led = await Promise.all(purges.map((purge) => purge.first));
    expect(led.filter(Boolean)).toHaveLength(1);
    expect(passes).toEqual([led.indexOf(true)]);
    expect(await stores[1]?.executions.getExecution('old')).toBeNull();
    expect(await stores[1]?.executions.getExecution('young')).not.toBeNull();
  });
});
