/**
 * Announcements from the leader of a key to the nodes that follow it, on a real
 * PostgreSQL schema: what the git leader uses to tell followers the synced commit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { leadOnPostgres, type LeaderTask } from '../../../src/cluster/lead.js';
import type { EngineLogger } from '../../../src/engine/runner.js';
import { pgSuiteName, TEST_DATABASE_URL, usePgSchema } from '../store/pg-test-db.js';

const quiet: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Collects announcements; `next()` resolves with the next one not yet taken. */
function inbox() {
  const received: string[] = [];
  const waiting: Array<(message: string) => void> = [];
  let taken = 0;
  return {
    received,
    push(message: string) {
      received.push(message);
      const waiter = waiting.shift();
      if (waiter) {
        taken += 1;
        waiter(message);
      }
    },
    next(): Promise<string> {
      if (taken < received.length) return Promise.resolve(received[taken++] ?? '');
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('leadOnPostgres() announcements'), () => {
  const db = usePgSchema();
  const tasks: LeaderTask[] = [];
  const lead = (pool: Parameters<typeof leadOnPostgres>[0], onAnnounce: (message: string) => void, work: () => void = () => undefined) => {
    const task = leadOnPostgres(pool, 'git-poll', work, 50, quiet, { on_announce: onAnnounce });
    tasks.push(task);
    return task;
  };

  afterEach(async () => {
    await Promise.all(tasks.splice(0).map((task) => task.stop()));
  });

  it('delivers what the leader announces to the follower, not back to the leader', async () => {
    const [a, b] = [await db.openStore(), await db.openStore()];
    const toA = inbox();
    const toB = inbox();
    const leader = lead(a.coordination, (m) => toA.push(m));
    expect(await leader.first).toBe(true);
    const follower = lead(b.coordination, (m) => toB.push(m));
    expect(await follower.first).toBe(false);
    // The follower asks when it starts listening; the leader has nothing to repeat yet.
    await leader.announce('commit-1');
    expect(await toB.next()).toBe('commit-1');
    expect(toA.received).toEqual([]);
  });

  it('repeats the last announcement to a follower that starts later', async () => {
    const [a, b] = [await db.openStore(), await db.openStore()];
    const leader = lead(a.coordination, () => undefined);
    expect(await leader.first).toBe(true);
    await leader.announce('commit-2');
    const toB = inbox();
    lead(b.coordination, (m) => toB.push(m));
    expect(await toB.next()).toBe('commit-2');
  });

  it('hears the new leader once the old one stops', async () => {
    const [a, b, c] = [await db.openStore(), await db.openStore(), await db.openStore()];
    const leader = lead(a.coordination, () => undefined);
    expect(await leader.first).toBe(true);
    // Both others try for the lock every 50 ms, so either may take over: the one that did
    // announces, the other must hear it. (Waiting for one named node hung whenever the
    // other's try came first, as a loaded machine shifts their timers.)
    let tookOver!: (node: 'b' | 'c') => void;
    const led = new Promise<'b' | 'c'>((resolve) => (tookOver = resolve));
    const toB = inbox();
    const toC = inbox();
    const second = lead(b.coordination, (m) => toB.push(m), () => tookOver('b'));
    expect(await second.first).toBe(false);
    const third = lead(c.coordination, (m) => toC.push(m), () => tookOver('c'));
    expect(await third.first).toBe(false);
    await leader.stop();
    const [next, follower] = (await led) === 'b' ? [second, toC] : [third, toB];
    await next.announce('commit-3');
    expect(await follower.next()).toBe('commit-3');
  });

  it('sends nothing when a node that does not lead announces', async () => {
    const [a, b, c] = [await db.openStore(), await db.openStore(), await db.openStore()];
    const leader = lead(a.coordination, () => undefined);
    expect(await leader.first).toBe(true);
    const follower = lead(b.coordination, () => undefined);
    expect(await follower.first).toBe(false);
    const toC = inbox();
    lead(c.coordination, (m) => toC.push(m));
    await follower.announce('not-mine');
    await leader.announce('mine');
    expect(await toC.next()).toBe('mine');
  });
});
