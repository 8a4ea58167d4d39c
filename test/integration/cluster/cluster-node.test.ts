/**
 * Two nodes in one process, each with its own pool on one schema: claiming, fencing,
 * handback and the shared bus. Lease expiry is forced with SQL, so no test waits on the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('cluster nodes'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  async function node(store: PostgresStore, custom: Record<string, ActionHandler>, id: string): Promise<ClusterNode> {
    // An hour's lease: nothing expires unless a test says so; claims happen when a test asks.
    const created = createNode({ store, actions: actionsWith(custom), node_id: id, lease_ms: HOUR, claim_interval_ms: HOUR });
    nodes.push(created);
    await created.start();
    return created;
  }

  async function twoStores(): Promise<[PostgresStore, PostgresStore]> {
    const first = await db.makeStore();
    return [first, await db.openStore({ pool_size: 4 })];
  }

  const expireLeases = (executionId: string): Promise<unknown> =>
    db.admin.query(`UPDATE execution_leases SET expires_at = now() - interval '1 second' WHERE execution_id = $1`, [executionId]);

  it('runs an execution on the node that started it and gives its lease back when it finishes', async () => {
    const [storeA] = await twoStores();
    const a = await node(storeA, {}, 'node-a');
    await register(storeA, 'demo.flow', workflow([{ id: 'one' }, { id: 'two', depends_on: ['one'] }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.flow' });
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    await expect.poll(() => storeA.leases.getLease(run.id)).toBeNull();
  });

  it('commits a step that neither creates nor claims in one statement, fenced by the lease tokens', async () => {
    const [storeA] = await twoStores();
    // Counts the calls and passes them on to the real store.
    const fencedCommits: number[] = [];
    const commitSteps = storeA.executions.commitSteps?.bind(storeA.executions);
    storeA.executions.commitSteps = (steps) => {
      fencedCommits.push(steps.fenced.length);
      return commitSteps ? commitSteps(steps) : Promise.reject(new Error('no commitSteps'));
    };
    const a = await node(storeA, {}, 'node-a');
    await register(storeA, 'demo.chain', workflow([{ id: 'one' }, { id: 'two', depends_on: ['one'] }, { id: 'three', depends_on: ['two'] }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.chain' });
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    // The first commit creates and claims (a transaction); the steps after it need neither.
    expect(fencedCommits.length).toBeGreaterThan(0);
    expect(fencedCommits.every((fenced) => fenced === 1)).toBe(true);
    await expect.poll(() => storeA.leases.getLease(run.id)).toBeNull();
  });

  it('lets another node claim executions queued beyond a node\'s capacity', async () => {
    const [storeA, storeB] = await twoStores();
    const release = gate();
    const a = createNode({ store: storeA, actions: actionsWith({ 'test.wait': handler(() => release.promise) }), node_id: 'node-a', lease_ms: HOUR, claim_interval_ms: HOUR, config: { max_concurrent_workflows: 1 } });
    nodes.push(a);
    await a.start();
    const b = await node(storeB, {}, 'node-b');
    await register(storeA, 'demo.wait', workflow([{ id: 'w', action: 'test.wait' }]));
    await register(storeA, 'demo.quick', workflow([{ id: 'q' }]));
    const busy = await a.engine.startExecution({ workflow_ref: 'demo.wait' });
    const queued = await a.engine.startExecution({ workflow_ref: 'demo.quick' });
    expect(queued.status).toBe('pending');
    expect(await b.claimNow()).toBe(1);
    expect((await a.engine.waitForCompletion(queued.id)).status).toBe('completed');
    expect((await storeA.leases.getLease(busy.id))?.node_id).toBe('node-a');
    release.open();
    expect((await a.engine.waitForCompletion(busy.id)).status).toBe('completed');
  });

  it('refuses the result of a node whose lease was taken over, and records the new holder\'s', async () => {
    const [storeA, storeB] = await twoStores();
    const entered = gate();
    const late = gate();
    const a = await node(storeA, { 'test.slow': handler(async () => { entered.open(); await late.promise; return { by: 'a' }; }) }, 'node-a');
    const b = await node(storeB, { 'test.slow': handler(() => ({ by: 'b' })) }, 'node-b');
    await register(storeA, 'demo.slow', workflow([{ id: 's', action: 'test.slow', retry: { max_attempts: 3, initial_delay_ms: 0 } }], { output: { by: '${tasks.s.output.by}' } }));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.slow' });
    await entered.promise;
    // Node A "pauses" past its lease: B takes the execution over and finishes it.
    await expireLeases(run.id);
    expect(await b.claimNow()).toBe(1);
    const done = await b.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ by: 'b' });
    // A wakes up and tries to record its stale result.
    late.open();
    await expect.poll(() => a.engine.driving()).toEqual([]);
    const events = await storeA.executions.readEvents(run.id);
    expect(events.filter((e) => e.event_type === 'task_completed').map((e) => e.data.output)).toEqual([{ by: 'b' }]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
  });

  it('hands running executions back on close so another node carries them on at once', async () => {
    const [storeA, storeB] = await twoStores();
    const entered = gate();
    const a = await node(storeA, { 'test.hang': handler(async (_input, _attempt, signal) => { entered.open(); await new Promise((resolve) => signal.addEventListener('abort', resolve)); return {}; }) }, 'node-a');
    const b = await node(storeB, { 'test.hang': handler(() => ({ ok: true })) }, 'node-b');
    await register(storeA, 'demo.hang', workflow([{ id: 'h', action: 'test.hang', retry: { max_attempts: 2, initial_delay_ms: 0 } }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hang' });
    await entered.promise;
    await a.close({ grace_ms: 0 });
    expect(await storeA.leases.getLease(run.id)).toBeNull();
    expect(await b.claimNow()).toBe(1);
    expect((await b.engine.waitForCompletion(run.id)).status).toBe('completed');
  });

  it('delivers every node\'s events to a subscriber on another node, once each and in order', async () => {
    const [storeA, storeB] = await twoStores();
    const a = await node(storeA, {}, 'node-a');
    const b = await node(storeB, {}, 'node-b');
    const seen: ExecutionEvent[] = [];
    const finished = new Promise<void>((resolve) => {
      b.bus.subscribe({}, (event) => {
        seen.push(event);
        if (event.event_type === 'workflow_completed') resolve();
      });
    });
    await register(storeA, 'demo.fan', workflow([{ id: 'a' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['a'] }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.fan' });
    await finished;
    const stored = await storeB.executions.readEvents(run.id);
    expect(seen.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
  });

  it('wakes a waiter on one node when the execution finishes on another', async () => {
    const [storeA, storeB] = await twoStores();
    const release = gate();
    const a = await node(storeA, { 'test.wait': handler(() => release.promise) }, 'node-a');
    const b = await node(storeB, {}, 'node-b');
    await register(storeA, 'demo.wait', workflow([{ id: 'w', action: 'test.wait' }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.wait' });
    const waited = b.engine.waitForCompletion(run.id);
    release.open();
    expect((await waited).status).toBe('completed');
  });

  it('passes a control to the node running the execution and returns that node\'s answer or error', async () => {
    const [storeA, storeB] = await twoStores();
    const entered = gate();
    const a = await node(storeA, { 'test.hang': handler(async (_input, _attempt, signal) => { entered.open(); await new Promise((resolve) => signal.addEventListener('abort', resolve)); return {}; }) }, 'node-a');
    const b = await node(storeB, {}, 'node-b');
    await register(storeA, 'demo.hang', workflow([{ id: 'h', action: 'test.hang' }, { id: 'after', depends_on: ['h'] }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hang' });
    await entered.promise;
    expect((await b.engine.pause(run.id)).status).toBe('paused');
    await expect(b.engine.skipTask(run.id, 'nope')).rejects.toMatchObject({ code: 'USAGE_INVALID', message: expect.stringContaining("has no task 'nope'") });
    await b.engine.cancel(run.id);
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('canceled');
    expect(b.engine.driving()).toEqual([]);
  });

  it('takes over an execution nobody holds when a control for it arrives', async () => {
    const [storeA, storeB] = await twoStores();
    const entered = gate();
    const hang = handler(async () => { entered.open(); return new Promise(() => undefined); });
    const a = await node(storeA, { 'test.hang': hang }, 'node-a');
    const b = await node(storeB, { 'test.hang': hang }, 'node-b');
    await register(storeA, 'demo.hang', workflow([{ id: 'h', action: 'test.hang', retry: { max_attempts: 2, initial_delay_ms: 0 } }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hang' });
    await entered.promise;
    await expireLeases(run.id);
    await b.engine.terminate(run.id);
    expect((await b.engine.waitForCompletion(run.id)).status).toBe('canceled');
    expect((await storeB.executions.getExecution(run.id))?.status).toBe('canceled');
  });

  it('runs leader work on one node at a time and moves it when the leader leaves', async () => {
    const [storeA, storeB] = await twoStores();
    const leaders: string[] = [];
    const make = (store: PostgresStore, id: string): ClusterNode => {
      const created = createNode({ store, actions: actionsWith({}), node_id: id, lease_ms: HOUR, heartbeat_ms: 50, claim_interval_ms: HOUR });
      nodes.push(created);
      return created;
    };
    const a = make(storeA, 'node-a');
    const b = make(storeB, 'node-b');
    await a.start();
    await b.start();
    const first = a.lead('git-poll', () => void leaders.push('node-a'));
    expect(await first.first).toBe(true);
    const tookOver = gate();
    const second = b.lead('git-poll', () => {
      leaders.push('node-b');
      tookOver.open();
    });
    expect(await second.first).toBe(false);
    await a.close({ grace_ms: 0 });
    await tookOver.promise;
    expect(second.isLeader()).toBe(true);
    expect(leaders).toEqual(['node-a', 'node-b']);
  });

  it('lets any node retry a failed execution or checkpoint a finished one, taking the lease for the retry', async () => {
    const [storeA, storeB] = await twoStores();
    let fail = true;
    const flaky = handler(() => {
      if (fail) throw Object.assign(new Error('down'), { retriable: false });
      return { ok: true };
    });
    const a = await node(storeA, { 'test.flaky': flaky }, 'node-a');
    const b = await node(storeB, { 'test.flaky': flaky }, 'node-b');
    await register(storeA, 'demo.flaky', workflow([{ id: 'f', action: 'test.flaky' }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.flaky' });
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('failed');
    expect(await storeA.leases.getLease(run.id)).toBeNull();
    const checkpoint = await b.engine.createCheckpoint(run.id);
    expect(checkpoint.execution_id).toBe(run.id);
    fail = false;
    await b.engine.retry(run.id);
    expect((await storeB.leases.getLease(run.id))?.node_id).toBe('node-b');
    expect((await b.engine.waitForCompletion(run.id)).status).toBe('completed');
    expect(await storeB.leases.getLease(run.id)).toBeNull();
  });
});
