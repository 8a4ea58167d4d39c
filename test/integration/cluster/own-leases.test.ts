/**
 * A live node keeps the executions it holds, however busy it is and whatever happens to
 * its peers: its leases stay renewed while their writes queue, a lease reported twice (by
 * a claim and by a renewal) is carried on once, and a renewal answered during an
 * event-loop stall is heard before the node gives anything up. Those tests check the
 * outcome that matters: the node's own tasks run once, none is recorded as interrupted.
 * The last one stalls the process past the lease again and again: the nodes give their
 * executions up each time and must still carry every one of them on to its end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode, type NodeOptions } from '../../../src/cluster/index.js';
import { UNDRIVEN_LEASE } from '../../../src/cluster/lease-keeper.js';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { ExecutionLease, LeaseRepo } from '../../../src/store/store.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;
const retry = { max_attempts: 3, initial_delay_ms: 0 };

interface Logged {
  level: 'warn' | 'error';
  message: string;
}

/**
 * The store with some lease calls wrapped (the node sees only the wrapper). Wrapped
 * renewals run on the node's event loop (no renewal thread): these tests hold that path.
 */
function wrapped(store: PostgresStore, parts: { leases?: Partial<LeaseRepo>; renewals?: Partial<LeaseRepo>; getExecution?: PostgresStore['executions']['getExecution'] }): PostgresStore {
  const over = <T extends object>(base: T, fns: Partial<T> | undefined): T => (fns ? Object.assign(Object.create(base) as T, fns) : base);
  return {
    ...store,
    leases: over(store.leases, parts.leases),
    renewals: over(store.renewals, parts.renewals),
    ...(parts.renewals ? { startRenewer: undefined } : {}),
    executions: over(store.executions, parts.getExecution ? { getExecution: parts.getExecution } : undefined),
  };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('a node keeps its own executions'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  function node(store: PostgresStore, custom: Record<string, ActionHandler>, options: Partial<NodeOptions> & { node_id: string }, logged: Logged[] = []): ClusterNode {
    const logger = {
      info: () => undefined,
      warn: (message: string) => void logged.push({ level: 'warn', message }),
      error: (message: string) => void logged.push({ level: 'error', message }),
    };
    const created = createNode({ store, actions: actionsWith(custom), claim_interval_ms: HOUR, logger, ...options });
    nodes.push(created);
    return created;
  }

  async function history(store: PostgresStore, id: string): Promise<ExecutionEvent[]> {
    const events = await store.executions.readEvents(id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    return events;
  }

  const interruptions = (events: readonly ExecutionEvent[]): ExecutionEvent[] =>
    events.filter((e) => e.event_type === 'retry_attempted' && (e.data as { interrupted?: boolean }).interrupted === true);

  it('keeps renewing the lease of an execution whose write waits for the event-position lock', async () => {
    const store = await db.makeStore();
    const quickDone = gate();
    const slowDone = gate();
    const entered = { quick: gate(), slow: gate() };
    const attempts: string[] = [];
    // A lease of seconds, not milliseconds: a loaded test machine may delay a renewal by a heartbeat or two.
    const a = node(store, {
      'test.quick': handler(async (_input, attempt) => {
        attempts.push(`quick:${attempt}`);
        entered.quick.open();
        await quickDone.promise;
        return {};
      }),
      'test.slow': handler(async (_input, attempt) => {
        attempts.push(`slow:${attempt}`);
        entered.slow.open();
        await slowDone.promise;
        return {};
      }),
    }, { node_id: 'node-a', lease_ms: 3000, heartbeat_ms: 200 });
    await a.start();
    await register(store, 'demo.pair', workflow([
      { id: 'quick', action: 'test.quick', retry },
      { id: 'slow', action: 'test.slow', retry },
    ]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.pair' });
    await Promise.all([entered.quick.promise, entered.slow.promise]);

    // Another writer holds the lock that orders event positions; the node's next write
    // checks its fence and then queues behind it, holding the fence's row locks.
    const blocker = await db.admin.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events'))`);
      quickDone.open();
      const waiting = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
        AND objid::text::bigint = hashtext(current_schema() || '.execution_events')::bigint & 4294967295`;
      await expect.poll(async () => (await db.admin.query(waiting)).rowCount).toBe(1);
      // Past the expiry the lease had when the write began, it is still current: renewed meanwhile.
      const { rows } = await db.admin.query<{ expires_at: Date }>('SELECT expires_at FROM execution_leases WHERE execution_id = $1', [run.id]);
      const before = rows[0]?.expires_at;
      await expect.poll(async () => (await db.admin.query('SELECT now() > $1 AS past', [before])).rows[0]?.past, { timeout: 5000 }).toBe(true);
      const current = await db.admin.query('SELECT 1 FROM execution_leases WHERE execution_id = $1 AND expires_at > now()', [run.id]);
      expect(current.rowCount).toBe(1);
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    slowDone.open();
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    expect(interruptions(await history(store, run.id))).toEqual([]);
    expect(attempts.sort()).toEqual(['quick:1', 'slow:1']);
  });

  it('keeps its leases while the renewal thread takes longer than a lease to start', async () => {
    const store = await db.makeStore();
    const realStart = store.startRenewer;
    if (!realStart) throw new Error('the PostgreSQL store starts a renewal thread');
    const lease_ms = 400;
    // The thread comes up only after three leases (a cold worker on a busy machine).
    let pending: ReturnType<typeof setTimeout> | null = null;
    let started: { stop(): Promise<void> } | null = null;
    const slowThread: PostgresStore = {
      ...store,
      startRenewer: (options) => {
        pending = setTimeout(() => {
          pending = null;
          started = realStart(options);
        }, lease_ms * 3);
        return {
          stop: async () => {
            if (pending) clearTimeout(pending);
            await started?.stop();
          },
        };
      },
    };
    const finish = gate();
    const entered = gate();
    const attempts: number[] = [];
    const logged: Logged[] = [];
    const a = node(slowThread, {
      'test.hold': handler(async (_input, attempt) => {
        attempts.push(attempt);
        entered.open();
        await finish.promise;
        return {};
      }),
    }, { node_id: 'node-slow-thread', lease_ms, heartbeat_ms: 100 }, logged);
    await a.start();
    await register(store, 'demo.hold', workflow([{ id: 'hold', action: 'test.hold', retry }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hold' });
    await entered.promise;
    // Until the thread answers, the loop renews: past the slow start the lease is still current.
    await expect.poll(() => started !== null, { timeout: 10_000 }).toBe(true);
    const current = await db.admin.query('SELECT 1 FROM execution_leases WHERE execution_id = $1 AND expires_at > now()', [run.id]);
    expect(current.rowCount).toBe(1);
    finish.open();
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    expect(interruptions(await history(store, run.id))).toEqual([]);
    expect(attempts).toEqual([1]);
    expect(logged.filter((l) => l.message.includes('expired'))).toEqual([]);
  });

  it('carries an execution on once when a renewal reports its lease before the claim that took it returns', async () => {
    const store = await db.makeStore();
    const workflowId = await register(store, 'demo.one', workflow([{ id: 'only', action: 'test.only', retry }]));
    const now = new Date().toISOString();
    const record: ExecutionRecord = {
      id: 'queued-1', workflow_id: workflowId, workflow_ref: 'demo.one', workflow_version: 1, status: 'pending', input: {}, output: null,
      error: null, parent_execution_id: null, parent_task_id: null, created_at: now, updated_at: now, finished_at: null, last_seq: 0,
    };
    await store.executions.createExecution(record);

    const claimHeld = gate();
    const renewalSaw = gate();
    const firstRead = gate();
    let reads = 0;
    const logged: Logged[] = [];
    const runs: number[] = [];
    const a = node(wrapped(store, {
      // The claim's answer reaches the node only after a renewal has reported the lease.
      leases: {
        claimExecutions: async (nodeId, limit, leaseMs): Promise<ExecutionLease[]> => {
          const claimed = await store.leases.claimExecutions(nodeId, limit, leaseMs);
          await claimHeld.promise;
          return claimed;
        },
      },
      renewals: {
        renewLeases: async (nodeId, leaseMs): Promise<ExecutionLease[]> => {
          const renewed = await store.renewals.renewLeases(nodeId, leaseMs);
          if (renewed.some((lease) => lease.execution_id === record.id)) renewalSaw.open();
          return renewed;
        },
      },
      // The first carrying-on is still reading the execution when the claim's answer arrives.
      getExecution: async (id) => {
        if (id === record.id && (reads += 1) === 1) await firstRead.promise;
        return store.executions.getExecution(id);
      },
    }), { 'test.only': handler((_input, attempt) => (runs.push(attempt), {})) }, { node_id: 'node-a', lease_ms: HOUR, heartbeat_ms: 20 }, logged);
    await a.start();
    const claiming = a.claimNow();
    await renewalSaw.promise;
    claimHeld.open();
    expect(await claiming).toBe(1);
    firstRead.open();

    expect((await a.engine.waitForCompletion(record.id)).status).toBe('completed');
    const events = await history(store, record.id);
    expect(events.filter((e) => e.event_type === 'workflow_started')).toHaveLength(1);
    expect(interruptions(events)).toEqual([]);
    expect(runs).toEqual([1]);
    expect(logged).toEqual([]);
  });

  it('hears a renewal answered during an event-loop stall before giving its executions up', async () => {
    const store = await db.makeStore();
    const finish = gate();
    const entered = gate();
    const attempts: number[] = [];
    let stallNext = false;
    let renewals = 0;
    let afterRenewal: Array<() => boolean> = [];
    const stalled = gate();
    const logged: Logged[] = [];
    const LEASE = 2000;
    const HEARTBEAT = 1000;
    const a = node(wrapped(store, {
      renewals: {
        renewLeases: (nodeId, leaseMs): Promise<ExecutionLease[]> => {
          const renewing = store.renewals.renewLeases(nodeId, leaseMs).then((renewed) => {
            renewals += 1;
            afterRenewal = afterRenewal.filter((check) => !check());
            return renewed;
          });
          if (stallNext) {
            stallNext = false;
            // Once the renewal is on the wire the process stalls past the expiry the previous
            // renewal set (a long collection, a starved CPU), while the answer waits in the socket.
            setImmediate(() => {
              // Past the previous renewal's expiry, short of this one's (the database has a second to answer).
              const until = performance.now() + LEASE - HEARTBEAT / 2;
              while (performance.now() < until) {
                // stalled on purpose
              }
              stalled.open();
            });
          }
          return renewing;
        },
      },
    }), {
      'test.step': handler(async (_input, attempt) => {
        attempts.push(attempt);
        entered.open();
        await finish.promise;
        return {};
      }),
    }, { node_id: 'node-a', lease_ms: LEASE, heartbeat_ms: HEARTBEAT }, logged);
    await a.start();
    await register(store, 'demo.step', workflow([{ id: 's', action: 'test.step', retry }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.step' });
    await entered.promise;
    stallNext = true;
    await stalled.promise;
    // Two renewals later the node has settled on what it holds (and would have carried
    // the execution on again from its events, had it given it up).
    const later = renewals + 2;
    await new Promise<void>((resolve) => afterRenewal.push(() => renewals >= later && (resolve(), true)));
    expect(a.engine.driving()).toEqual([run.id]);
    finish.open();
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    expect(interruptions(await history(store, run.id))).toEqual([]);
    expect(attempts).toEqual([1]);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });
  it('does not keep renewing a lease whose execution nothing drives here: it carries the execution on again', async () => {
    const store = await db.makeStore();
    const logged: Logged[] = [];
    const attempts: number[] = [];
    const entered = [gate(), gate()];
    const a = node(store, {
      'test.step': handler(async (_input, attempt, signal) => {
        attempts.push(attempt);
        entered[attempt - 1]?.open();
        if (attempt === 1) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return {};
      }),
    }, { node_id: 'node-a', lease_ms: 2000, heartbeat_ms: 100 }, logged);
    await a.start();
    await register(store, 'demo.step', workflow([{ id: 's', action: 'test.step', retry }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.step' });
    await entered[0]?.promise;
    // The runner goes away without the lease keeper hearing of it (as one did when a let-go
    // took away the runner a later adoption had left): the node still holds the lease.
    await a.engine.relinquish(run.id);
    expect(a.engine.driving()).toEqual([]);
    await entered[1]?.promise;
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    expect(attempts).toEqual([1, 2]);
    expect(logged.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([UNDRIVEN_LEASE.idle]);
  });

  it('carries every execution on to its end through stalls that outlast its lease, again and again', async () => {
    const store = await db.makeStore();
    const other = await db.openStore({ pool_size: 4 });
    const step = handler(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return {};
    });
    const LEASE = 400;
    let stalls = 8;
    // After a renewal answers, the process stalls past the lease (both nodes live in it): each
    // node then gives its executions up, and carries on those the database still says are its own.
    const stalling = wrapped(store, {
      renewals: {
        renewLeases: async (nodeId, leaseMs): Promise<ExecutionLease[]> => {
          const renewed = await store.renewals.renewLeases(nodeId, leaseMs);
          if (stalls > 0 && renewed.length > 0) {
            stalls -= 1;
            setImmediate(() => {
              const until = performance.now() + LEASE * 1.5;
              while (performance.now() < until) {
                // stalled on purpose
              }
            });
          }
          return renewed;
        },
      },
    });
    const a = node(stalling, { 'test.step': step }, { node_id: 'node-a', lease_ms: LEASE, heartbeat_ms: 100, claim_interval_ms: 50, config: { max_concurrent_workflows: 9 } });
    const b = node(other, { 'test.step': step }, { node_id: 'node-b', lease_ms: LEASE * 2, heartbeat_ms: 200, claim_interval_ms: 50, config: { max_concurrent_workflows: 7 } });
    await a.start();
    await b.start();
    const tasks = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, action: 'test.step', retry, ...(i > 0 ? { depends_on: [`t${i - 1}`] } : {}) }));
    await register(store, 'demo.chain', workflow(tasks));
    const runs = await Promise.all(Array.from({ length: 40 }, () => a.engine.startExecution({ workflow_ref: 'demo.chain' })));
    const done = await Promise.all(runs.map((run) => a.engine.waitForCompletion(run.id)));
    expect(done.map((d) => d.status)).toEqual(runs.map(() => 'completed'));
    expect(stalls).toBe(0);
    for (const run of runs) {
      const events = await history(store, run.id);
      expect(events.filter((e) => e.event_type === 'task_completed')).toHaveLength(tasks.length);
    }
  }, 60_000);
});
