import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEventBus } from '../../../src/engine/event-bus.js';
import { streamExecutionEvents, type EventSink } from '../../../src/server/stream-events.js';

function event(seq: number): ExecutionEvent {
  return { event_type: 'task_started', execution_id: 'e1', workflow_id: 'w', timestamp: '', seq, data: {} };
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
