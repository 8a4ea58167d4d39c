import type { ExecutionEvent } from '../core/model.js';
import { createEventBus, type EventBus } from '../engine/event-bus.js';

/** Executions whose last seq this node remembers; beyond it the oldest are forgotten. */
const MAX_MARKS = 100_000;
const TERMINAL = new Set(['workflow_completed', 'workflow_failed', 'workflow_canceled']);

export interface SharedBusOptions {
  /** Reads stored events with seq > afterSeq (at most `limit` when given), to fill gaps. */
  read(executionId: string, afterSeq: number, limit?: number): Promise<ExecutionEvent[]>;
  /**
   * Whether this node drives the execution now. Its own commits are then the only source:
   * they are published before the node acts on them, which the notifier cannot promise.
   */
  isLocal?(executionId: string): boolean;
  /** Told when the bus gains its first subscriber (true) or loses its last (false). */
  onActive?(active: boolean): void;
  onError?(error: unknown): void;
}

/**
 * The event bus of a cluster node: the engine publishes its own commits on it, and the
 * notifier bridge feeds in every node's commits. Each execution's events reach
 * subscribers once and in seq order, whichever way they arrive first.
 */
export interface SharedBus extends EventBus {
  /** Events of one append by any node (from LISTEN/NOTIFY): repeats dropped, a gap read from the store first. */
  ingest(events: readonly ExecutionEvent[]): void;
  /** After a lost notifier connection: reads on from the last seq of every unfinished execution seen. */
  resync(): void;
  /** Resolves when every ingest and resync so far has been delivered. */
  settled(): Promise<void>;
  /** Only the events published here (this node's commits); subscribing to it does not start listening to other nodes. */
  readonly local: EventBus;
}

interface Mark {
  seq: number;
  done: boolean;
}

/** Creates the bus (see SharedBus). */
export function createSharedBus(options: SharedBusOptions): SharedBus {
  const onError = options.onError ?? (() => undefined);
  const inner = createEventBus(onError);
  const local = createEventBus(onError);
  const marks = new Map<string, Mark>();
  let subscribers = 0;
  let chain: Promise<void> = Promise.resolve();

  const remember = (id: string, mark: Mark): void => {
    if (!marks.has(id) && marks.size >= MAX_MARKS) {
      const oldest = marks.keys().next();
      if (oldest.done !== true) marks.delete(oldest.value);
    }
    marks.set(id, mark);
  };

  /** Publishes the events after the last one delivered, in order. */
  const deliver = (events: readonly ExecutionEvent[]): void => {
    let fresh: ExecutionEvent[] | null = null;
    for (const event of events) {
      const mark = marks.get(event.execution_id);
      if (mark !== undefined && event.seq <= mark.seq) continue;
      remember(event.execution_id, { seq: event.seq, done: TERMINAL.has(event.event_type) });
      (fresh ??= []).push(event);
    }
    if (fresh !== null) inner.publish(fresh);
  };

  // Executions with a delivery queued: their later local events queue behind it.
  const queued = new Map<string, number>();
  const enqueue = (id: string, work: () => Promise<void>): void => {
    queued.set(id, (queued.get(id) ?? 0) + 1);
    chain = chain
      .then(work)
      .catch(onError)
      .finally(() => {
        const left = (queued.get(id) ?? 1) - 1;
        if (left === 0) queued.delete(id);
        else queued.set(id, left);
      });
  };
  /** Delivers events after reading the ones missing between the last delivered and the first of them. */
  const fillThenDeliver = async (events: readonly ExecutionEvent[]): Promise<void> => {
    const first = events[0] as ExecutionEvent;
    const mark = marks.get(first.execution_id);
    if (mark !== undefined && first.seq > mark.seq + 1) {
      deliver(await options.read(first.execution_id, mark.seq, first.seq - mark.seq - 1));
    }
    deliver(events);
  };

  return {
    subscribe(filter, listener) {
      const off = inner.subscribe(filter, listener);
      subscribers += 1;
      // Marks stay: a notification still on its way must not be delivered twice. (Another
      // node's execution whose mark went stale while nobody listened gets its gap read.)
      if (subscribers === 1) options.onActive?.(true);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        off();
        subscribers -= 1;
        if (subscribers === 0) options.onActive?.(false);
      };
    },
    local,
    publish(events) {
      const first = events[0];
      if (first === undefined) return;
      local.publish(events);
      const mark = marks.get(first.execution_id);
      // At once, unless a gap (this node took the execution over) must be read first.
      if (!queued.has(first.execution_id) && (mark === undefined || first.seq <= mark.seq + 1)) deliver(events);
      else enqueue(first.execution_id, () => fillThenDeliver(events));
    },
    ingest(events) {
      const first = events[0];
      if (first === undefined) return;
      enqueue(first.execution_id, async () => {
        if (options.isLocal?.(first.execution_id) === true) return;
        await fillThenDeliver(events);
      });
    },
    resync() {
      for (const [id, mark] of marks) {
        if (mark.done) continue;
        enqueue(id, async () => {
          const current = marks.get(id);
          if (current !== undefined && options.isLocal?.(id) !== true) deliver(await options.read(id, current.seq));
        });
      }
    },
    settled: () => chain,
  };
}
