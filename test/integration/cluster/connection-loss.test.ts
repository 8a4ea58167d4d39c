/**
 * A node loses its database: its connections run through a TCP proxy the test cuts and
 * restores. Short leases (1.5 s) keep the test quick; nothing asserts on timing, and no
 * wait has a deadline of its own: reconnecting backs off up to 5 s, so on a loaded machine
 * a fixed 10 s poll raced real work. The tests' own timeouts are generous for the same reason.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { actionsWith, gate, handler, register, until, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

interface Proxy {
  url: string;
  /** Drops every connection and refuses new ones, like a partition. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(Number(to.port || 5432), to.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const via = new URL(target);
  via.hostname = '127.0.0.1';
  via.port = String((server.address() as AddressInfo).port);
  return {
    url: via.toString(),
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('a node that loses its database'), () => {
  const db = usePgSchema();
  const nodes: ClusterNode[] = [];
  let proxy: Proxy | undefined;
  afterEach(async () => {
    proxy?.restore();
    await Promise.all(nodes.splice(0).map((node) => node.close({ grace_ms: 0 })));
    await proxy?.close();
  });

  function node(store: PostgresStore, custom: Record<string, ActionHandler>, id: string, leaseMs = 1500): ClusterNode {
    const created = createNode({ store, actions: actionsWith(custom), node_id: id, lease_ms: leaseMs, heartbeat_ms: 300, claim_interval_ms: 100 });
    nodes.push(created);
    return created;
  }

  it('stops, aborts its tasks once its lease lapses, and rejoins without losing or repeating events', async () => {
    const direct = await db.makeStore();
    proxy = await startProxy(db.url);
    const viaProxy = await db.openStore({ url: proxy.url, pool_size: 4 });
    const entered = gate();
    const aborted = gate();
    const a = node(viaProxy, {
      'test.hang': handler(async (_input, _attempt, signal) => {
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        aborted.open();
        return { by: 'a' };
      }),
      'test.quick': handler(() => ({ by: 'a' })),
    }, 'node-a');
    const b = node(direct, { 'test.hang': handler(() => ({ by: 'b' })) }, 'node-b');
    await a.start();
    await b.start();
    const seenOnA: number[] = [];
    let onSeen = (): void => undefined;
    a.bus.subscribe({}, (event) => {
      seenOnA.push(event.seq);
      onSeen();
    });
    await register(direct, 'demo.hang', workflow([{ id: 'h', action: 'test.hang', retry: { max_attempts: 3, initial_delay_ms: 0 } }], { output: { by: '${tasks.h.output.by}' } }));
    await register(direct, 'demo.quick', workflow([{ id: 'q', action: 'test.quick' }]));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.hang' });
    await entered.promise;

    proxy.cut();
    await aborted.promise;
    expect(a.healthy()).toBe(false);
    expect(a.engine.driving()).toEqual([]);
    const done = await b.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ by: 'b' });

    proxy.restore();
    await until(() => a.healthy(), 'node-a to be healthy again');
    const events = await direct.executions.readEvents(run.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(events.filter((e) => e.event_type === 'task_completed')).toHaveLength(1);
    // What B wrote while A was cut off reaches A's subscribers once A listens again.
    const last = events.length;
    await new Promise<void>((resolve) => {
      onSeen = () => {
        if (seenOnA.includes(last)) resolve();
      };
      onSeen();
    });
    expect(seenOnA).toEqual(events.map((e) => e.seq));
    const again = await a.engine.startExecution({ workflow_ref: 'demo.quick' });
    expect((await a.engine.waitForCompletion(again.id)).status).toBe('completed');
  }, 120_000);

  it('carries its executions on from their events when the database comes back before its leases lapse', async () => {
    await db.makeStore();
    proxy = await startProxy(db.url);
    const viaProxy = await db.openStore({ url: proxy.url, pool_size: 4 });
    const entered = gate();
    const finish = gate();
    const attempts: number[] = [];
    const a = node(viaProxy, {
      'test.step': handler(async (_input, attempt) => {
        attempts.push(attempt);
        if (attempt === 1) {
          entered.open();
          await finish.promise;
        }
        return { attempt };
      }),
    }, 'node-a', 60_000);
    await a.start();
    await register(viaProxy, 'demo.step', workflow([{ id: 's', action: 'test.step', retry: { max_attempts: 3, initial_delay_ms: 0 } }], { output: { attempt: '${tasks.s.output.attempt}' } }));
    const run = await a.engine.startExecution({ workflow_ref: 'demo.step' });
    await entered.promise;
    proxy.cut();
    // The result cannot be written: the node gives the execution up rather than guess.
    finish.open();
    await until(() => a.engine.driving().length === 0, 'node-a to give the execution up');
    proxy.restore();
    // Its lease is still its own, so the next renewal hands the execution back to it.
    await until(() => a.engine.driving().length > 0 || attempts.length > 1, 'node-a to carry the execution on');
    const done = await a.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    const events = await viaProxy.executions.readEvents(run.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(events.filter((e) => e.event_type === 'task_completed')).toHaveLength(1);
    expect(attempts).toEqual([1, 2]);
  }, 120_000);
});
