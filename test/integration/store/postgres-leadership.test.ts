import { beforeEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { tryLeadership } from '../../../src/store/postgres/try-leadership.js';
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
});
