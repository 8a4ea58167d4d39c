/**
 * A node's shared bus while an execution changes hands, on the real PostgreSQL store and
 * notifier: one store writes as the node driving the execution (A), the other is the
 * node under test (B), whose bus takes A's appends from LISTEN/NOTIFY. A's
 * notifications are held on their way (as a loaded node leaves them queued) so that B's
 * own commits and the change of hands overtake them, which is what happened after a
 * SIGKILL in the three-node test: B's subscriber must still get every seq once, in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSharedBus, type SharedBus } from '../../../src/cluster/shared-bus.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createNotifier, type EventNotifier } from '../../../src/store/postgres/create-notifier.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { executionRecord } from '../../fixtures/execution-record.js';

const ID = 'e1';

function event(seq: number, type = 'task_completed'): ExecutionEvent {
  return {
    event_type: type,
    execution_id: ID,
    workflow_id: 'def-1',
    task_id: `t${seq}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    seq,
    data: { attempt: 1, output: { seq } },
  } as ExecutionEvent;
}

function seqs(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_v, i) => from + i);
}

/** Notifications for B's bus, held until released: the queue a busy node has not worked through yet. */
interface HeldNotifications {
  /** Resolves once the notification of `seq` has arrived (and is held). */
  arrived(seq: number): Promise<void>;
  /** Hands every held notification to the bus, in arrival order, and every later one at once. */
  release(): void;
  stop(): void;
}

function holdNotifications(notifier: EventNotifier, bus: SharedBus): HeldNotifications {
  const held: ExecutionEvent[][] = [];
  const waiting: Array<{ seq: number; resolve: () => void }> = [];
  let released = false;
  let last = 0;
  const stop = notifier.subscribe((events) => {
    if (released) bus.ingest(events);
    else held.push(events);
    last = Math.max(last, ...events.map((e) => e.seq));
    for (const waiter of waiting.filter((w) => w.seq <= last)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return {
    arrived: (seq) => (seq <= last ? Promise.resolve() : new Promise((resolve) => waiting.push({ seq, resolve }))),
    release() {
      released = true;
      for (const events of held.splice(0)) bus.ingest(events);
    },
    stop,
  };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('shared bus while an execution changes hands'), () => {
  const db = usePgSchema();
  let nodeA: PostgresStore;
  let nodeB: PostgresStore;
  let notifier: EventNotifier;
  let bus: SharedBus;
  let seen: number[];

  beforeEach(async () => {
    nodeB = await db.makeStore();
    nodeA = await db.openStore();
    await nodeA.executions.createExecution(executionRecord(ID));
    notifier = await createNotifier(nodeB.pool, nodeB.pool);
    bus = createSharedBus({ read: (id, after, limit) => nodeB.executions.readEvents(id, after, limit) });
    seen = [];
    bus.subscribe({}, (e) => seen.push(e.seq));
  });

  afterEach(async () => {
    await notifier.close();
  });

  /** B commits events as the engine does: append, then publish on its bus. */
  async function commitOnB(events: ExecutionEvent[]): Promise<void> {
    await nodeB.executions.appendEvents(events);
    bus.publish(events);
  }

  it("delivers the events A committed before B took the execution over, though B's own commits overtook their notifications", async () => {
    const held = holdNotifications(notifier, bus);
    for (const seq of seqs(1, 8)) await nodeA.executions.appendEvents([event(seq)]);
    await held.arrived(8);
    // A was killed; B claims the execution and commits on.
    await commitOnB([event(9, 'retry_attempted')]);
    await commitOnB([event(10), event(11, 'workflow_completed')]);
    held.release();
    await held.arrived(11);
    await bus.settled();
    held.stop();
    expect(seen).toEqual(seqs(1, 11));
  });

  it('delivers them when their notifications reached the bus just before the takeover', async () => {
    const held = holdNotifications(notifier, bus);
    for (const seq of seqs(1, 8)) await nodeA.executions.appendEvents([event(seq)]);
    await held.arrived(8);
    // The bus has them queued (ingest works them off later), and then B claims the execution.
    held.release();
    await commitOnB([event(9, 'retry_attempted')]);
    await commitOnB([event(10, 'workflow_completed')]);
    await held.arrived(10);
    await bus.settled();
    held.stop();
    expect(seen).toEqual(seqs(1, 10));
  });

  it("delivers what the new owner committed while B still thought it drove the execution, though nothing follows once B gives it up", async () => {
    const held = holdNotifications(notifier, bus);
    held.release();
    await commitOnB([event(1), event(2)]);
    await commitOnB([event(3)]);
    // B's lease ran out unnoticed (a stalled node): A claimed the execution and finished it.
    await nodeA.executions.appendEvents([event(4)]);
    await nodeA.executions.appendEvents([event(5, 'workflow_completed')]);
    await held.arrived(5);
    await bus.settled();
    held.stop();
    expect(seen).toEqual(seqs(1, 5));
  });

  it('delivers every event once when the execution goes back and forth', async () => {
    const held = holdNotifications(notifier, bus);
    for (const seq of seqs(1, 3)) await nodeA.executions.appendEvents([event(seq)]);
    await held.arrived(3);
    await commitOnB([event(4)]);
    // B hands it back (graceful shutdown of its runner); A carries on, then B takes it again.
    await nodeA.executions.appendEvents([event(5)]);
    await nodeA.executions.appendEvents([event(6), event(7)]);
    await held.arrived(7);
    held.release();
    await commitOnB([event(8, 'workflow_completed')]);
    await held.arrived(8);
    await bus.settled();
    held.stop();
    expect(seen).toEqual(seqs(1, 8));
  });
});
