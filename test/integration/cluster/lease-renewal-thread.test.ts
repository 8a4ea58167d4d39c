/**
 * Renewals on a thread of their own: a node whose event loop is blocked for longer than
 * its lease keeps its executions (a peer claims nothing), and the thread's watchdog stops
 * renewing when the loop does not answer for watchdog_ms, so a wedged node's leases run out.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode, type NodeOptions } from '../../../src/cluster/index.js';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { ExecutionLease, LeaseRenewer } from '../../../src/store/store.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const HOUR = 3_600_000;
const retry = { max_attempts: 3, initial_delay_ms: 0 };
const epochNow = (): number => performance.timeOrigin + performance.now();

/** Blocks this thread's event loop (a starved CPU, a long collection) for `ms`. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // blocked on purpose
  }
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('lease renewals off the event loop'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  const renewers: LeaseRenewer[] = [];
  afterEach(async () => {
    await Promise.all(renewers.splice(0).map((renewer) => renewer.stop()));
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
  });

  function node(store: PostgresStore, custom: Record<string, ActionHandler>, options: Partial<NodeOptions> & { node_id: string }, errors: string[]): ClusterNode {
    const logger = { info: () => undefined, warn: () => undefined, error: (message: string) => void errors.push(message) };
    const created = createNode({ store, actions: actionsWith(custom), claim_interval_ms: HOUR, logger, ...options });
    nodes.push(created);
    return created;
  }

  it('keeps the leases of a node whose event loop is blocked for longer than its lease', async () => {
    const store = await db.makeStore();
    const peerStore = await db.openStore();
    const LEASE = 1000;
    const entered = gate();
    const finish = gate();
    const attempts: number[] = [];
    const errors: string[] = [];
    const a = node(store, {
      'test.step': handler(async (_input, attempt) => {
        attempts.push(attempt);
        entered.open();
        await finish.promise;
        return {};
      }),
    }, { node_id: 'node-a', lease_ms: LEASE }, errors);
    const b = node(peerStore, {}, { node_id: 'node-b', lease_ms: LEASE }, errors);
    await a.start();
    await b.start();
    await register(store, 'demo.step', workflow([{ id: 's', action: 'test.step', retry }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.step' });
    await entered.promise;
    const before = await store.leases.getLease(run.id);

    block(LEASE * 2.5);
    // The first thing after the stall: had the lease run out, the peer would take it here.
    expect(await b.claimNow()).toBe(0);

    expect((await store.leases.getLease(run.id))?.token).toBe(before?.token);
    expect(a.engine.driving()).toEqual([run.id]);
    finish.open();
    expect((await a.engine.waitForCompletion(run.id)).status).toBe('completed');
    const events: ExecutionEvent[] = await store.executions.readEvents(run.id);
    expect(events.filter((e) => e.event_type === 'retry_attempted')).toEqual([]);
    expect(attempts).toEqual([1]);
    expect(errors).toEqual([]);
  });

  it('stops renewing when the event loop does not answer within the watchdog, and resumes once it does', async () => {
    const store = await db.makeStore();
    const workflowId = await register(store, 'demo.one', workflow([{ id: 'only', action: 'test.only', retry }]));
    const now = new Date().toISOString();
    const record: ExecutionRecord = {
      id: 'held-1', workflow_id: workflowId, workflow_ref: 'demo.one', workflow_version: 1, status: 'pending', input: {}, output: null,
      error: null, parent_execution_id: null, parent_task_id: null, created_at: now, updated_at: now, finished_at: null, last_seq: 0,
    };
    await store.executions.createExecution(record);
    const LEASE = 1000;
    const HEARTBEAT = 100;
    const WATCHDOG = 300;
    expect(await store.leases.claimExecutions('node-w', 1, LEASE)).toHaveLength(1);

    const renewals: Array<{ started_at: number; leases: ExecutionLease[] }> = [];
    const waiting: Array<() => boolean> = [];
    const renewalAfter = (time: number): Promise<void> =>
      new Promise((resolve) => waiting.push(() => renewals.some((r) => r.started_at > time) && (resolve(), true)));
    const wedged = gate();
    const failures: string[] = [];
    const startRenewer = store.startRenewer;
    if (!startRenewer) throw new Error('the PostgreSQL store renews on a thread');
    renewers.push(
      startRenewer({
        node_id: 'node-w',
        lease_ms: LEASE,
        heartbeat_ms: HEARTBEAT,
        watchdog_ms: WATCHDOG,
        on_renewed: (leases, started_at) => {
          renewals.push({ started_at, leases });
          waiting.splice(0, waiting.length, ...waiting.filter((check) => !check()));
        },
        on_failed: (error) => failures.push(error),
        on_wedged: () => wedged.open(),
        on_ended: (error) => failures.push(error),
      }),
    );
    await renewalAfter(epochNow());

    const stalledAt = epochNow();
    block(LEASE * 2);
    const resumedAt = epochNow();
    await wedged.promise;
    await renewalAfter(resumedAt);

    const during = renewals.filter((r) => r.started_at > stalledAt && r.started_at < resumedAt);
    // The thread renewed until the watchdog ran out (give a heartbeat for the last ping's answer), then not at all.
    expect(during.filter((r) => r.started_at > stalledAt + WATCHDOG + HEARTBEAT)).toEqual([]);
    const last = Math.max(...renewals.filter((r) => r.started_at < resumedAt).map((r) => r.started_at));
    // So the lease ran out under the stalled loop: a peer could have taken the execution.
    expect(last + LEASE).toBeLessThan(resumedAt);
    expect(renewals.every((r) => r.leases.some((lease) => lease.execution_id === record.id))).toBe(true);
    expect(failures).toEqual([]);
  });
});
