/**
 * Crash detection by liveness lock: every node holds a session advisory lock keyed by its
 * id, so a node whose process dies is seen as gone at once and its executions move before
 * its leases expire. The node under test runs in a child process (liveness-node.mjs, from
 * dist/) so it can be SIGKILLed; the survivor runs here. Nothing asserts on timing: a
 * takeover "before expiry" is the new lease's claimed_at against the old lease's
 * expires_at, both from the database's clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode, type NodeOptions } from '../../../src/cluster/index.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;
const nodeMain = fileURLToPath(new URL('./liveness-node.mjs', import.meta.url));

interface LeaseRow {
  node_id: string;
  token: string;
  claimed_at: Date;
  expires_at: Date;
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('a dead node is seen by its free liveness lock'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    // Killed, not closed: a child's action may still hold its task open.
    await Promise.all(
      children.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  function message<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (received: { type: string }): void => {
        if (received.type !== type) return;
        child.off('message', onMessage);
        resolve(received as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`the node process exited (${code ?? signal}) before '${type}'`)));
    });
  }

  async function spawnNode(id: string, extra: string[] = []): Promise<ChildProcess> {
    const child = fork(nodeMain, [db.url, db.schema, id, ...extra], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    await message(child, 'ready');
    return child;
  }

  async function survivor(store: PostgresStore, hold: ActionHandler, options: Partial<NodeOptions> = {}): Promise<ClusterNode> {
    const node = createNode({ store, actions: actionsWith({ 'test.hold': hold }), node_id: 'node-b', ...options });
    nodes.push(node);
    await node.start();
    return node;
  }

  async function lease(id: string): Promise<LeaseRow | undefined> {
    const { rows } = await db.admin.query<LeaseRow>('SELECT node_id, token, claimed_at, expires_at FROM execution_leases WHERE execution_id = $1', [id]);
    return rows[0];
  }

  /** The backends holding a node's liveness lock. */
  async function lockHolders(nodeId: string): Promise<number[]> {
    const { rows } = await db.admin.query<{ pid: number }>(
      `SELECT k.pid FROM pg_locks k WHERE k.locktype = 'advisory' AND k.objsubid = 1 AND k.granted
         AND (k.classid::int8 << 32) | k.objid::int8 = hashtextextended('harmonia:node:' || $1 || ':' || $2, 0)`,
      [db.schema, nodeId],
    );
    return rows.map((row) => row.pid);
  }

  async function setUp(): Promise<PostgresStore> {
    const store = await db.makeStore();
    await register(store, 'demo.hold', workflow([{ id: 'h', action: 'test.hold', retry: { max_attempts: 3, initial_delay_ms: 0 } }], { output: { by: '${tasks.h.output.by}' } }));
    return store;
  }

  it('moves a SIGKILLed node\'s execution to a survivor before its lease expires (default lease settings)', async () => {
    const store = await setUp();
    const a = await spawnNode('node-a');
    a.send({ type: 'start', workflow_ref: 'demo.hold' });
    const { execution_id: id } = await message<{ type: 'entered'; execution_id: string }>(a, 'entered');
    const entered = gate();
    const release = gate();
    // Started before the kill, with the default claim interval: its own loop finds the execution.
    const b = await survivor(await db.openStore(), handler(async () => { entered.open(); await release.promise; return { by: 'node-b' }; }));
    const before = await lease(id);
    expect(before?.node_id).toBe('node-a');
    const { rows: [alive] } = await db.admin.query<{ at: Date }>('SELECT now() AS at');
    a.kill('SIGKILL');
    await entered.promise;
    const after = await lease(id);
    expect(after?.node_id).toBe('node-b');
    expect(Number(after?.token)).toBeGreaterThan(Number(before?.token));
    // Taken after node A died, while its lease still ran: by the lock, not by expiry.
    expect(after!.claimed_at.getTime()).toBeGreaterThan(alive!.at.getTime());
    expect(after!.claimed_at.getTime()).toBeLessThan(before!.expires_at.getTime());
    // Listed as gone at once, though its node lease runs on.
    const listed = await store.leases.listNodes();
    expect(listed.find((n) => n.node_id === 'node-a')?.alive).toBe(false);
    expect(listed.find((n) => n.node_id === 'node-b')?.alive).toBe(true);
    release.open();
    const done = await b.engine.waitForCompletion(id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ by: 'node-b' });
    const events = await store.executions.readEvents(id);
    expect(events.filter((e) => e.event_type === 'task_started').map((e) => e.data.attempt)).toEqual([1, 2]);
  });

  it('stops a node whose lock connection is terminated, and refuses its late result once a peer took over', async () => {
    const store = await setUp();
    // A long heartbeat: node A tries for its lock again only after the test is over, so node B is the one that takes over.
    const a = await spawnNode('node-a', [String(HOUR), String(HOUR / 3)]);
    a.send({ type: 'start', workflow_ref: 'demo.hold' });
    const { execution_id: id } = await message<{ type: 'entered'; execution_id: string }>(a, 'entered');
    const before = await lease(id);
    const holders = await lockHolders('node-a');
    expect(holders).toHaveLength(1);
    const aborted = message(a, 'aborted');
    await db.admin.query('SELECT pg_terminate_backend($1)', [holders[0]]);
    // Node A gives its task up on its own: its lease (an hour) has not run out.
    await aborted;
    a.send({ type: 'driving' });
    expect((await message<{ type: 'driving'; ids: string[] }>(a, 'driving')).ids).toEqual([]);
    const entered = gate();
    const release = gate();
    const b = await survivor(await db.openStore(), handler(async () => { entered.open(); await release.promise; return { by: 'node-b' }; }), { claim_interval_ms: HOUR });
    expect(await b.claimNow()).toBe(1);
    await entered.promise;
    const after = await lease(id);
    expect(after?.node_id).toBe('node-b');
    expect(after!.claimed_at.getTime()).toBeLessThan(before!.expires_at.getTime());
    // Node A's token is fenced off.
    await expect(store.leases.assertLease(id, Number(before!.token))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    // Node A's action returns late; its result must not be recorded.
    a.send({ type: 'finish' });
    release.open();
    const done = await b.engine.waitForCompletion(id);
    expect(done.output).toEqual({ by: 'node-b' });
    const events = await store.executions.readEvents(id);
    expect(events.filter((e) => e.event_type === 'task_completed').map((e) => e.data.output)).toEqual([{ by: 'node-b' }]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(a.exitCode).toBeNull();
  });

  it('carries its execution on itself once it holds its lock again, when no peer took it', async () => {
    const store = await setUp();
    const attempts: number[] = [];
    const aborted = gate();
    const second = gate();
    const finish = gate();
    const a = createNode({
      store,
      actions: actionsWith({
        'test.hold': handler(async (_input, attempt, signal) => {
          attempts.push(attempt);
          if (attempt === 1) {
            await new Promise((resolve) => signal.addEventListener('abort', resolve));
            aborted.open();
            throw new Error('aborted');
          }
          second.open();
          await finish.promise;
          return { by: 'node-a' };
        }),
      }),
      node_id: 'node-a',
      lease_ms: HOUR,
      heartbeat_ms: 100,
      claim_interval_ms: HOUR,
    });
    nodes.push(a);
    await a.start();
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hold' });
    await expect.poll(() => attempts).toEqual([1]);
    const before = await lease(run.id);
    const [holder] = await lockHolders('node-a');
    await db.admin.query('SELECT pg_terminate_backend($1)', [holder]);
    await aborted.promise;
    await second.promise;
    // The same lease, carried on under the lock taken again (no claim went between).
    const during = await lease(run.id);
    expect(during?.node_id).toBe('node-a');
    expect(during?.token).toBe(before?.token);
    finish.open();
    const done = await a.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ by: 'node-a' });
    expect(attempts).toEqual([1, 2]);
    const events = await store.executions.readEvents(run.id);
    expect(events.filter((e) => e.event_type === 'task_completed').map((e) => e.data.output)).toEqual([{ by: 'node-a' }]);
    const again = await lockHolders('node-a');
    expect(again).toHaveLength(1);
    expect(again[0]).not.toBe(holder);
    expect(a.healthy()).toBe(true);
  });

  it('never takes a live node\'s execution while its lock is held, nor one of a node that holds no lock', async () => {
    const store = await setUp();
    const running = gate();
    const a = createNode({
      store,
      actions: actionsWith({ 'test.hold': handler(async (_input, _attempt, signal) => { running.open(); await new Promise((resolve) => signal.addEventListener('abort', resolve)); return {}; }) }),
      node_id: 'node-a',
      claim_interval_ms: HOUR,
    });
    nodes.push(a);
    await a.start();
    const held = await a.engine.startExecution({ workflow_ref: 'demo.hold' });
    await running.promise;
    // A lease taken through the repository alone, as a node of an earlier release would: no lock, no mark.
    const at = new Date().toISOString();
    const record = await store.executions.getExecution(held.id);
    await store.executions.createExecution({ ...record!, id: 'no-lock', status: 'pending', last_seq: 0, created_at: at, updated_at: at, finished_at: null });
    const [unlocked] = await store.leases.claimExecutions('old-node', 1, HOUR);
    expect(unlocked?.execution_id).toBe('no-lock');
    const b = await survivor(await db.openStore(), handler(() => ({ by: 'node-b' })), { claim_interval_ms: HOUR });
    expect(await b.claimNow()).toBe(0);
    expect((await lease(held.id))?.node_id).toBe('node-a');
    expect((await lease('no-lock'))?.node_id).toBe('old-node');
    expect(a.engine.driving()).toEqual([held.id]);
    expect((await store.leases.listNodes()).find((n) => n.node_id === 'node-a')?.alive).toBe(true);
  });

  it('refuses to start a second live node under the same id', async () => {
    await setUp();
    const a = createNode({ store: await db.openStore(), actions: actionsWith({}), node_id: 'node-a', claim_interval_ms: HOUR });
    nodes.push(a);
    await a.start();
    // A short lease: the second node waits that long for the first to go before giving up.
    const twin = createNode({ store: await db.openStore(), actions: actionsWith({}), node_id: 'node-a', lease_ms: 1000, claim_interval_ms: HOUR });
    await expect(twin.start()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await twin.close({ grace_ms: 0 });
    expect(a.healthy()).toBe(true);
  });
});
