import { describe, expect, it } from 'vitest';
import { createSharedBus } from '../../../src/cluster/shared-bus.js';
import type { ExecutionEvent } from '../../../src/core/model.js';

function event(id: string, seq: number, type = 'task_started'): ExecutionEvent {
  return { event_type: type, execution_id: id, workflow_id: 'wf', timestamp: new Date(0).toISOString(), seq, data: {} } as ExecutionEvent;
}

function collect(bus: ReturnType<typeof createSharedBus>): Array<[string, number]> {
  const seen: Array<[string, number]> = [];
  bus.subscribe({}, (e) => seen.push([e.execution_id, e.seq]));
  return seen;
}

describe('createSharedBus()', () => {
  it('delivers an event once whether it arrives first from this node or from the notifier', async () => {
    const bus = createSharedBus({ read: async () => [] });
    const seen = collect(bus);
    bus.publish([event('x', 1), event('x', 2)]);
    bus.ingest([event('x', 1), event('x', 2)]);
    bus.ingest([event('x', 3)]);
    bus.publish([event('x', 3)]);
    await bus.settled();
    expect(seen).toEqual([['x', 1], ['x', 2], ['x', 3]]);
  });

  it('tells which seqs it has delivered, so the notifier need not read this node\'s own commits back', async () => {
    const bus = createSharedBus({ read: async () => [] });
    collect(bus);
    bus.publish([event('x', 1), event('x', 2)]);
    await bus.settled();
    expect([bus.delivered('x', 2), bus.delivered('x', 1), bus.delivered('x', 3), bus.delivered('y', 1)]).toEqual([true, true, false, false]);
  });

  it('reads a gap from the store before delivering the events after it', async () => {
    const stored = [event('x', 2), event('x', 3)];
    const bus = createSharedBus({ read: async (_id, after, limit) => stored.filter((e) => e.seq > after).slice(0, limit) });
    const seen = collect(bus);
    bus.publish([event('x', 1)]);
    bus.ingest([event('x', 4)]);
    await bus.settled();
    expect(seen.map(([, seq]) => seq)).toEqual([1, 2, 3, 4]);
  });

  it('reads on from the last seq of unfinished executions after a reconnect', async () => {
    const stored = [event('open', 2), event('open', 3, 'workflow_completed')];
    const bus = createSharedBus({ read: async (id, after) => (id === 'open' ? stored.filter((e) => e.seq > after) : []) });
    const seen = collect(bus);
    bus.publish([event('open', 1), event('done', 1, 'workflow_failed')]);
    bus.resync();
    await bus.settled();
    expect(seen).toEqual([['open', 1], ['done', 1], ['open', 2], ['open', 3]]);
  });

  it('reads the events before a publish of an execution it has no mark for (taken over), and drops their late notifications', async () => {
    const stored = [1, 2, 3].map((seq) => event('x', seq));
    const bus = createSharedBus({ read: async (_id, after, limit) => stored.filter((e) => e.seq > after).slice(0, limit) });
    const seen = collect(bus);
    bus.publish([event('x', 4)]);
    bus.ingest([event('x', 1), event('x', 2)]);
    bus.ingest([event('x', 3)]);
    await bus.settled();
    expect(seen.map(([, seq]) => seq)).toEqual([1, 2, 3, 4]);
  });

  it("starts another node's execution first seen mid-way where it is seen (it began before this node listened)", async () => {
    const reads: number[] = [];
    const bus = createSharedBus({ read: async (_id, after) => (reads.push(after), []) });
    const seen = collect(bus);
    bus.ingest([event('x', 7)]);
    await bus.settled();
    expect(seen).toEqual([['x', 7]]);
    expect(reads).toEqual([]);
  });

  it('reads no gap while nobody subscribes, and marks the events delivered', async () => {
    const reads: number[] = [];
    const bus = createSharedBus({ read: async (_id, after) => (reads.push(after), []) });
    bus.publish([event('x', 5)]);
    bus.resync();
    await bus.settled();
    const seen = collect(bus);
    bus.ingest([event('x', 5)]);
    bus.publish([event('x', 6)]);
    await bus.settled();
    expect(reads).toEqual([]);
    expect(seen).toEqual([['x', 6]]);
  });

  it('tells when its first subscriber comes and its last goes', () => {
    const changes: boolean[] = [];
    const bus = createSharedBus({ read: async () => [], onActive: (active) => changes.push(active) });
    const off1 = bus.subscribe({}, () => undefined);
    const off2 = bus.subscribe({ execution_id: 'x' }, () => undefined);
    off1();
    off1();
    off2();
    expect(changes).toEqual([true, false]);
  });
});
