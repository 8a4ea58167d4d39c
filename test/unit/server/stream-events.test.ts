import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEventBus } from '../../../src/engine/event-bus.js';
import { CATCH_UP_PAGE, streamExecutionEvents, type EventSink } from '../../../src/server/stream-events.js';

function event(seq: number): ExecutionEvent {
  return { event_type: 'task_started', execution_id: 'e1', workflow_id: 'w', timestamp: '', seq, data: { attempt: 1 } };
}

function recordingSink(limit = Infinity): EventSink & { seqs: number[]; closed: string | null } {
  const sink = {
    seqs: [] as number[],
    closed: null as string | null,
    send(e: ExecutionEvent) {
      if (sink.seqs.length >= limit) return false;
      sink.seqs.push(e.seq);
      return true;
    },
    close(reason: string) {
      sink.closed = reason;
    },
  };
  return sink;
}

describe('streamExecutionEvents()', () => {
  it('sends history then live events with no duplicate when live events arrive during the history read', async () => {
    const bus = createEventBus();
    const history = [event(1), event(2), event(3)];
    let release!: () => void;
    const readGate = new Promise<void>((resolve) => (release = resolve));
    const sink = recordingSink();
    streamExecutionEvents({
      bus,
      execution_id: 'e1',
      after_seq: 0,
      sink,
      readEvents: async (_id, after) => {
        await readGate;
        return history.filter((e) => e.seq > after);
      },
    });
    history.push(event(4));
    bus.publish([event(3), event(4)]);
    release();
    await readGate;
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish([event(5)]);
    expect(sink.seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads a long history page by page and sends all of it, in order, before live events', async () => {
    const bus = createEventBus();
    const total = CATCH_UP_PAGE * 2 + 5;
    const stored = Array.from({ length: total }, (_, i) => event(i + 1));
    const reads: number[] = [];
    const sink = recordingSink();
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    streamExecutionEvents({
      bus,
      execution_id: 'e1',
      after_seq: 0,
      sink,
      readEvents: async (_id, after, limit) => {
        const page = stored.filter((e) => e.seq > after).slice(0, limit);
        reads.push(page.length);
        if (page.length < limit) caughtUp();
        return page;
      },
    });
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish([event(total + 1)]);
    expect(reads).toEqual([CATCH_UP_PAGE, CATCH_UP_PAGE, 5]);
    expect(sink.seqs).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1));
  });

  it('reads a hole in the live events back from history', async () => {
    const bus = createEventBus();
    const stored = [event(1)];
    const sink = recordingSink();
    streamExecutionEvents({ bus, execution_id: 'e1', after_seq: 0, sink, readEvents: async (_id, after) => stored.filter((e) => e.seq > after) });
    await new Promise((resolve) => setImmediate(resolve));
    stored.push(event(2), event(3));
    bus.publish([event(3)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.seqs).toEqual([1, 2, 3]);
  });

  it('starts after the given seq', async () => {
    const bus = createEventBus();
    const sink = recordingSink();
    streamExecutionEvents({ bus, execution_id: 'e1', after_seq: 2, sink, readEvents: async (_id, after) => [event(1), event(2), event(3)].filter((e) => e.seq > after) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.seqs).toEqual([3]);
  });

  it('closes a sink that refuses an event and stops listening', async () => {
    const bus = createEventBus();
    const sink = recordingSink(1);
    streamExecutionEvents({ bus, execution_id: 'e1', after_seq: 0, sink, readEvents: async () => [] });
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish([event(1), event(2), event(3)]);
    expect(sink.seqs).toEqual([1]);
    expect(sink.closed).toContain('too slow');
  });
});
