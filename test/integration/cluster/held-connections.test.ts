/**
 * A node holds some PostgreSQL connections for as long as it runs: its event notifications'
 * LISTEN, its control channel's, one per key it leads or follows announcements of. They
 * must not come out of the statement pool (HARMONIA_PG_POOL_SIZE): with a pool no larger
 * than them the node waited forever for a connection to run its first statement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode, type LeaderTask } from '../../../src/cluster/index.js';
import { HarmoniaError } from '../../../src/core/errors.js';
import { actionsWith, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('connections a node holds for good'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  const tasks: LeaderTask[] = [];
  afterEach(async () => {
    await Promise.all(tasks.splice(0).map((task) => task.stop()));
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  it('runs statements on a pool of one connection while it listens, leads a key and follows announcements', async () => {
    await db.makeStore();
    const store = await db.openStore({ pool_size: 1 });
    const node = createNode({ store, actions: actionsWith({}), node_id: 'small-pool', lease_ms: HOUR, claim_interval_ms: HOUR });
    nodes.push(node);
    await node.start();
    const leading = node.lead('small-pool-key', () => undefined, { on_announce: () => undefined, on_nudge: () => undefined });
    tasks.push(leading);
    expect(await leading.first).toBe(true);
    await register(store, 'demo.flow', workflow([{ id: 'one' }, { id: 'two', depends_on: ['one'] }]));
    const run = await node.engine.startExecution({ workflow_ref: 'demo.flow' });
    expect((await node.engine.waitForCompletion(run.id)).status).toBe('completed');
  });

  it('lets a follower of a key with a pool of one connection hear what the leader announces', async () => {
    const leaderStore = await db.openStore({ pool_size: 1 });
    const followerStore = await db.openStore({ pool_size: 1 });
    const leader = createNode({ store: leaderStore, actions: actionsWith({}), node_id: 'leader', lease_ms: HOUR, claim_interval_ms: HOUR });
    const follower = createNode({ store: followerStore, actions: actionsWith({}), node_id: 'follower', lease_ms: HOUR, claim_interval_ms: HOUR });
    nodes.push(leader, follower);
    await Promise.all([leader.start(), follower.start()]);
    const leading = leader.lead('announced-key', () => undefined, { on_announce: () => undefined });
    tasks.push(leading);
    expect(await leading.first).toBe(true);
    // Nobody follows yet: the follower asks for it when it starts listening, and the leader repeats it.
    await leading.announce('synced abc');
    const heard = new Promise<string>((resolve) => tasks.push(follower.lead('announced-key', () => undefined, { on_announce: resolve })));
    expect(await heard).toBe('synced abc');
    expect(await tasks[1]?.first).toBe(false);
  });

  it('fails a statement that waits for a pool connection longer than pool_wait_ms, naming the pool and the setting', async () => {
    // pool_wait_ms also bounds opening a connection, which a loaded machine can take longer
    // than 100 ms to do: the store's migration check and the holder ask again when it did.
    const store = await within(() => db.openStore({ pool_size: 1, pool_wait_ms: 100 }), 20);
    const holder = await within(() => store.pool.connect(), 20);
    try {
      const error = await store.executions.getExecution('nobody').then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(HarmoniaError);
      expect((error as HarmoniaError).code).toBe('STORE_UNAVAILABLE');
      expect((error as HarmoniaError).message).toMatchInlineSnapshot(`"all 1 connections of the postgres pool (HARMONIA_PG_POOL_SIZE=1) stayed in use for 100 ms; raise HARMONIA_PG_POOL_SIZE (and the server's max_connections to match), or HARMONIA_PG_POOL_WAIT if statements are only slow"`);
    } finally {
      holder.release();
    }
    // The pool works again once a connection is free.
    expect(await store.executions.getExecution('nobody')).toBeNull();
  });
});

/** What `open` gives, asked again when it failed (opening a connection timed out), up to `tries` times. */
async function within<T>(open: () => Promise<T>, tries: number): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open();
    } catch (error) {
      if (attempt >= tries) throw error;
    }
  }
}
