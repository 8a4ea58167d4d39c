/**
 * A node that is not ready (in the server: its git checkout is behind) claims nothing
 * until its canClaim predicate says so. No git here: the test flips the predicate itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('createNode({ canClaim })'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  /** An execution whose node left it mid-task: unfinished, its lease handed back, free to claim. */
  async function freeExecution(): Promise<string> {
    const store = await db.makeStore();
    const entered = gate();
    const hang = handler(async (_input, _attempt, signal) => {
      entered.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return {};
    });
    const a = createNode({ store, actions: actionsWith({ 'test.hang': hang }), node_id: 'node-a', lease_ms: HOUR, claim_interval_ms: HOUR });
    nodes.push(a);
    await a.start();
    await register(store, 'demo.hang', workflow([{ id: 'h', action: 'test.hang', retry: { max_attempts: 2, initial_delay_ms: 0 } }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hang' });
    await entered.promise;
    await a.close({ grace_ms: 0 });
    expect(await store.leases.getLease(run.id)).toBeNull();
    return run.id;
  }

  async function nodeB(ready: { value: boolean }): Promise<ClusterNode> {
    const store = await db.openStore({ pool_size: 4 });
    const b = createNode({
      store,
      actions: actionsWith({ 'test.hang': handler(() => ({ ok: true })) }),
      node_id: 'node-b',
      lease_ms: HOUR,
      claim_interval_ms: HOUR,
      canClaim: () => ready.value,
    });
    nodes.push(b);
    await b.start();
    return b;
  }

  it('claims no free execution while its predicate answers false', async () => {
    const id = await freeExecution();
    const b = await nodeB({ value: false });
    expect(await b.claimNow()).toBe(0);
    expect(b.engine.driving()).toEqual([]);
    expect(await db.admin.query('SELECT 1 FROM execution_leases WHERE execution_id = $1', [id]).then((r) => r.rowCount)).toBe(0);
    expect((await b.engine.getExecution(id)).status).toBe('running');
  });

  it('refuses a control on a free execution with EXEC_INVALID_STATE instead of taking it over while its predicate answers false', async () => {
    const id = await freeExecution();
    const b = await nodeB({ value: false });
    await expect(b.engine.pause(id)).rejects.toMatchObject({ code: 'EXEC_INVALID_STATE', message: expect.stringContaining('not ready') });
    expect(b.engine.driving()).toEqual([]);
  });

  it('claims the free execution and carries it on once its predicate turns true', async () => {
    const id = await freeExecution();
    const ready = { value: false };
    const b = await nodeB(ready);
    expect(await b.claimNow()).toBe(0);
    ready.value = true;
    expect(await b.claimNow()).toBe(1);
    expect((await b.engine.waitForCompletion(id)).status).toBe('completed');
  });
});
