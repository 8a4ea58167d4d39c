/**
 * A parent's pause and resume reach its sub-workflow on whichever node runs it, as its
 * cancel does: the control is forwarded to the child's lease holder, with the parent named
 * as the pause's cause. Lease expiry is forced with SQL, so no test waits on the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('sub-workflow controls across nodes'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  async function node(store: PostgresStore, custom: Record<string, ActionHandler>, id: string): Promise<ClusterNode> {
    const created = createNode({ store, actions: actionsWith(custom), node_id: id, lease_ms: HOUR, claim_interval_ms: HOUR });
    nodes.push(created);
    await created.start();
    return created;
  }

  /** A parent on node A whose child node B took over (A's lease on it ran out while its task ran). */
  async function childOnB(): Promise<{ a: ClusterNode; b: ClusterNode; storeA: PostgresStore; parent: string; child: string; release: () => void }> {
    const storeA = await db.makeStore();
    const storeB = await db.openStore({ pool_size: 4 });
    const enteredA = gate();
    const late = gate();
    const enteredB = gate();
    const finish = gate();
    const a = await node(storeA, { 'test.hold': handler(async () => { enteredA.open(); await late.promise; return { by: 'a' }; }) }, 'node-a');
    const b = await node(storeB, { 'test.hold': handler(async () => { enteredB.open(); await finish.promise; return { by: 'b' }; }) }, 'node-b');
    await register(storeA, 'demo.inner', workflow([{ id: 'x', action: 'test.hold', retry: { max_attempts: 3, initial_delay_ms: 0 } }]));
    await register(storeA, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.outer' });
    await enteredA.promise;
    const child = (await storeA.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0]?.id ?? '';
    await db.admin.query(`UPDATE execution_leases SET expires_at = now() - interval '1 second' WHERE execution_id = $1`, [child]);
    expect(await b.claimNow()).toBe(1);
    await enteredB.promise;
    // A's late result is refused by the fence, and A lets the child go.
    late.open();
    await expect.poll(() => a.engine.driving().includes(child)).toBe(false);
    expect((await storeA.leases.getLease(child))?.node_id).toBe('node-b');
    return { a, b, storeA, parent: run.id, child, release: () => finish.open() };
  }

  it("keeps a parent waiting when its node's record of the child's finish was refused (the child went to another node)", async () => {
    const { a, storeA, parent, child, release } = await childOnB();
    expect((await storeA.executions.getExecution(parent))?.status).toBe('running');
    expect((await a.engine.getStatus(parent)).task_statuses.sub?.status).toBe('running');
    release();
    expect((await a.engine.waitForCompletion(child)).status).toBe('completed');
    expect((await a.engine.waitForCompletion(parent)).status).toBe('completed');
    const finished = (await storeA.executions.readEvents(child)).filter((e) => e.event_type === 'task_completed');
    expect(finished.map((e) => e.data.output)).toEqual([{ by: 'b' }]);
  });

  it("passes a parent's pause and resume on to its child on another node", async () => {
    const { a, storeA, parent, child, release } = await childOnB();
    expect((await a.engine.pause(parent)).status).toBe('paused');
    expect((await storeA.executions.getExecution(child))?.status).toBe('paused');
    const paused = (await storeA.executions.readEvents(child)).filter((e) => e.event_type === 'workflow_paused');
    expect(paused.map((e) => e.data)).toEqual([{ by_parent: parent }]);
    expect((await a.engine.resume(parent)).status).toBe('running');
    expect((await storeA.executions.getExecution(child))?.status).toBe('running');
    release();
    expect((await a.engine.waitForCompletion(parent)).status).toBe('completed');
  });

  it('leaves a child paused on its own paused when its parent on another node is resumed', async () => {
    const { a, b, storeA, parent, child, release } = await childOnB();
    await b.engine.pause(child);
    await a.engine.pause(parent);
    await a.engine.resume(parent);
    expect((await storeA.executions.getExecution(child))?.status).toBe('paused');
    // Resumed before its task ends: a paused child whose last task ends has nothing left and completes.
    await a.engine.resume(child);
    release();
    expect((await a.engine.waitForCompletion(parent)).status).toBe('completed');
  });
});
