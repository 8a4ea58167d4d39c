import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEventBus } from '../../../src/engine/event-bus.js';
import { createGlobalEventFeed, type FeedBatch, type FeedSink } from '../../../src/server/global-event-feed.js';
import { createOutbox, type OutboxData } from '../../../src/server/stream-outbox.js';

/** A store of positioned events and a bus that signals each append, as the engine does after a commit. */
function world() {
  const stored: ExecutionEvent[] = [];
  const bus = createEventBus();
  const append = (count: number): void => {
    const base = stored.length;
    const events = Array.from({ length: count }, (_, i): ExecutionEvent => {
      const position = base + i + 1;
      return { event_type: 'task_completed', execution_id: `e${position % 3}`, workflow_id: 'w', timestamp: '', seq: position, data: { attempt: 1, output: null }, position };
    });
    stored.push(...events);
    bus.publish(events);
  };
  const feed = createGlobalEventFeed({
    bus,
    batch_ms: 0,
    onError: (error) => {
      throw error;
    },
    lastPosition: async () => stored.length,
    // reads take a turn of the event loop, as a real store read does
    readAfter: (position, limit) =>
      new Promise((resolve) => setImmediate(() => resolve(stored.filter((e) => (e.position as number) > position).slice(0, limit)))),
  });
  return { stored, append, feed };
}

function collector(limit = Infinity): FeedSink & { positions: number[]; batches: FeedBatch[]; dropped: string | null } {
  const sink = {
    positions: [] as number[],
    batches: [] as FeedBatch[],
    dropped: null as string | null,
    push(batch: FeedBatch) {
      if (sink.positions.length + batch.events.length > limit) return false;
      sink.batches.push(batch);
      sink.positions.push(...batch.events.map((e) => e.position as number));
      return true;
    },
    flush: () => ({ bytes: 0, unsent: 0, pending: false }),
    whenRoomy: () => Promise.resolve(),
    drop(reason: string) {
      sink.dropped = reason;
    },
  };
  return sink;
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
};
/** Turns of the event loop until `done` holds (the feed's rounds are timers); a bound, not a time limit. */
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 10_000 && !done(); i += 1) await turns(1);
};
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('createGlobalEventFeed()', () => {
  it('gives a live subscriber every event from now on and a resuming one everything after its position, no gap, no repeat', async () => {
    const { append, feed } = world();
    append(5);
    const live = collector();
    const resumed = collector();
    feed.subscribe(null, live);
    await turns(3);
    for (let round = 0; round < 20; round += 1) {
      append(round % 4);
      if (round === 7) feed.subscribe(2, resumed);
      await turns(round % 3);
    }
    await turns(30);
    expect(live.positions).toEqual(range(6, 5 + 30));
    expect(resumed.positions).toEqual(range(3, 5 + 30));
  });

  it('hands every live subscriber the same batch object', async () => {
    const { append, feed } = world();
    const a = collector();
    const b = collector();
    feed.subscribe(null, a);
    feed.subscribe(null, b);
    await turns(3);
    append(3);
    await turns(5);
    expect(a.batches).toHaveLength(1);
    expect(a.batches[0]).toBe(b.batches[0]);
  });

  it('drops a subscriber whose queue is full and keeps feeding the others', async () => {
    const { append, feed } = world();
    const slow = collector(2);
    const fast = collector();
    feed.subscribe(null, slow);
    feed.subscribe(null, fast);
    await turns(3);
    append(1);
    await turns(5);
    append(3);
    await turns(5);
    expect(slow.dropped).toMatch(/client too slow/);
    expect(slow.positions).toEqual([1]);
    expect(fast.positions).toEqual([1, 2, 3, 4]);
  });

  it('writes only to a socket with nothing unsent; one still busy gets its queued batches as one write in a later round', async () => {
    const { append, feed } = world();
    // a socket whose unsent bytes the test sets, as the kernel would leave them
    let unsent = 0;
    const writes: OutboxData[][] = [];
    const outbox = createOutbox({
      max_messages: 100,
      buffer_bytes: 1 << 20,
      transport: { write: (messages) => void writes.push([...messages]), buffered: () => unsent, onceDrained: (fn) => setImmediate(fn) },
    });
    const sink: FeedSink = {
      push: (batch) => outbox.hold(batch.events.map((e) => e.position).join(',') + ';', String(batch.events.at(-1)?.position), batch.events.length),
      flush: () => outbox.writeIfIdle(),
      whenRoomy: () => outbox.whenRoomy(),
      drop: () => undefined,
    };
    feed.subscribe(null, sink);
    await turns(3);
    append(2);
    await until(() => writes.length > 0);
    expect(writes).toEqual([['1,2;']]);
    unsent = 10; // the kernel did not take it all
    append(1);
    await until(() => outbox.size() === 1);
    append(2);
    await until(() => outbox.size() === 3);
    expect(writes).toHaveLength(1);
    expect(outbox.size()).toBe(3);
    expect(outbox.writeIfIdle()).toEqual({ bytes: 0, unsent: 0, pending: true });
    unsent = 0; // drained: the next round writes both batches at once, with no new event to prompt it
    await until(() => writes.length > 1);
    expect(writes).toEqual([['1,2;'], ['3;', '4,5;']]);
    expect(outbox.lastCursor()).toBe('5');
  });

  it('drops a subscriber whose socket stays busy once its queue is full, its cursor the last event written', async () => {
    const { append, feed } = world();
    let unsent = 0;
    const outbox = createOutbox({
      max_messages: 3,
      buffer_bytes: 1 << 20,
      transport: { write: () => undefined, buffered: () => unsent, onceDrained: (fn) => setImmediate(fn) },
    });
    let dropped: { reason: string; cursor: string } | null = null;
    feed.subscribe(null, {
      push: (batch) => outbox.hold('x', String(batch.events.at(-1)?.position), batch.events.length),
      flush: () => outbox.writeIfIdle(),
      whenRoomy: () => outbox.whenRoomy(),
      drop: (reason) => {
        dropped = { reason, cursor: outbox.lastCursor() };
      },
    });
    await turns(3);
    append(1);
    await until(() => outbox.lastCursor() === '1');
    unsent = 10;
    for (let i = 0; i < 4; i += 1) {
      append(1);
      await until(() => outbox.size() === i + 1 || dropped !== null);
    }
    expect(dropped).toEqual({ reason: expect.stringMatching(/client too slow/), cursor: '1' });
  });
});
