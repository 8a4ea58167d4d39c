import { beforeEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { nudgeLeader, tryLeadership, withLeaderLock } from '../../../src/store/postgres/try-leadership.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('tryLeadership()'), () => {
  const db = usePgSchema();
  let nodeA: PostgresStore;
  let nodeB: PostgresStore;
  const appName = `harmonia-leader-${db.schema}`;

  beforeEach(async () => {
    nodeA = await db.openStore({ application_name: appName });
    nodeB = await db.openStore();
  });

  it('makes one node leader and tells the other no', async () => {
    const leader = await tryLeadership(nodeA.pool, 'git-poll');
    expect(leader?.key).toBe('git-poll');
    expect(await tryLeadership(nodeB.pool, 'git-poll')).toBeNull();
    await leader?.release();
  });

  it('lets another node lead once the leader releases', async () => {
    const leader = await tryLeadership(nodeA.pool, 'git-poll');
    await leader?.release();
    expect(leader?.signal.aborted).toBe(true);
    const next = await tryLeadership(nodeB.pool, 'git-poll');
    expect(next).not.toBeNull();
    await next?.release();
  });

  it('elects a leader per key', async () => {
    const poll = await tryLeadership(nodeA.pool, 'git-poll');
    const sync = await tryLeadership(nodeB.pool, 'pack-sync');
    expect(poll).not.toBeNull();
    expect(sync).not.toBeNull();
    await poll?.release();
    await sync?.release();
  });

  it('loses leadership when its connection dies, and another node takes it', async () => {
    const leader = await tryLeadership(nodeA.pool, 'git-poll');
    const lost = new Promise<void>((resolve) => leader?.signal.addEventListener('abort', () => resolve()));
    await db.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
    await lost;
    const next = await tryLeadership(nodeB.pool, 'git-poll');
    expect(next).not.toBeNull();
    await next?.release();
  });

  it('tells the leader when another node nudges its key', async () => {
    let nudged!: () => void;
    const heard = new Promise<void>((resolve) => (nudged = resolve));
    const leader = await tryLeadership(nodeA.pool, 'git-poll', { on_nudge: () => nudged() });
    await nudgeLeader(nodeB.pool, 'git-poll');
    await heard;
    await leader?.release();
  });

  it('runs exclusive work only once the node holding the key lets go', async () => {
    const waiterName = `harmonia-waiter-${db.schema}`;
    const waiter = await db.openStore({ application_name: waiterName });
    const leader = await tryLeadership(nodeA.pool, 'pack-sync');
    let released = false;
    const waiting = withLeaderLock(waiter.pool, 'pack-sync', async () => released);
    // Until the waiter's request for the lock shows as waiting on the server, A keeps it.
    const waitingLocks = async () =>
      Number(
        (
          await db.admin.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = $1`,
            [waiterName],
          )
        ).rows[0]?.n,
      );
    while ((await waitingLocks()) === 0);
    released = true;
    await leader?.release();
    expect(await waiting).toBe(true);
    const again = await tryLeadership(nodeA.pool, 'pack-sync');
    expect(again).not.toBeNull();
    await again?.release();
  });
});
