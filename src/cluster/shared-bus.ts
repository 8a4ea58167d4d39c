import type { ExecutionEvent } from '../core/model.js';
import { createEventBus, type EventBus } from '../engine/event-bus.js';

/** Executions whose last seq this node remembers; beyond it finished ones are forgotten first, then the oldest. */
const MAX_MARKS = 100_000;
const TERMINAL = new Set(['workflow_completed', 'workflow_failed', 'workflow_canceled']);

export interface SharedBusOptions {
  /** Reads stored events with seq > afterSeq (at most `limit` when given), to fill gaps. */
  read(executionId: string, afterSeq: number, limit?: number): Promise<ExecutionEvent[]>;
  /** Told when the bus gains its first subscriber (true) or loses its last (false). */
  onActive?(active: boolean): void;
  onError?(error: unknown): void;
}

/**
 * The event bus of a cluster node: the engine publishes its own commits on it, and the
 * notifier bridge feeds in every node's commits. Each execution's events reach
 * subscribers once and in seq order, whichever way they arrive first and whichever node
 * drives the execution: who committed an event never decides whether it is delivered,
 * only the execution's delivered mark does.
 */
export interface SharedBus extends EventBus {
  /** Events of one append by any node (from LISTEN/NOTIFY): repeats dropped, a gap read from the store first. */
  ingest(events: readonly ExecutionEvent[]): void;
  /** After a lost notifier connection: reads on from the last seq of every unfinished execution seen. */
  resync(): void;
  /**
   * Whether the execution's events up to `seq` are delivered already: ingesting them would
   * drop them as repeats, so the notifier need not read them (this node's own commits).
   */
  delivered(executionId: string, seq: number): boolean;
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
  // The last seq delivered per execution, oldest first.
  const marks = new Map<string, Mark>();
  // Of those, the finished ones, oldest first: forgetting one costs at most a late repeat.
  const finished = new Set<string>();
  let subscribers = 0;
  let chain: Promise<void> = Promise.resolve();

  const forgetOne = (): void => {
    const first = finished.values().next();
    const id = first.done === true ? marks.keys().next().value : first.value;
    if (id === undefined) return;
    marks.delete(id);
    finished.delete(id);
  };

  const remember = (id: string, seq: number, done: boolean): void => {
    const mark = marks.get(id);
    if (mark === undefined) {
      if (marks.size >= MAX_MARKS) forgetOne();
      marks.set(id, { seq, done });
    } else {
      mark.seq = seq;
      mark.done = done;
    }
    // A finished execution can go on (retried): it is then no longer the first to forget.
    if (done) finished.add(id);
    else finished.delete(id);
  };

  const delivered = (id: string, seq: number): boolean => seq <= (marks.get(id)?.seq ?? 0);

  /** Publishes the events after the last one delivered, in order. */
  const deliver = (events: readonly ExecutionEvent[]): void => {
    let fresh: ExecutionEvent[] | null = null;
    for (const event of events) {
      const mark = marks.get(event.execution_id);
      if (mark !== undefined && event.seq <= mark.seq) continue;
      remember(event.execution_id, event.seq, TERMINAL.has(event.event_type));
      (fresh ??= []).push(event);
    }
    if (fresh !== null) inner.publish(fresh);
  };

  /**
   * The seq after which events are missing before `first`, or null when none are.
   * `unmarked` is where an execution the bus has no mark for starts: 0 for this node's
   * own commits (the node took it over, so the events before are another node's, whose
   * notifications may still be on their way or were dropped as repeats of later ones);
   * null for another node's, first seen then (they began before this node listened).
   */
  const gapBefore = (first: ExecutionEvent, unmarked: 0 | null): number | null => {
    const after = marks.get(first.execution_id)?.seq ?? unmarked;
    return after !== null && first.seq > after + 1 ? after : null;
  };

  // Executions with a delivery queued: their later events queue behind it.
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
  const fillThenDeliver = async (events: readonly ExecutionEvent[], unmarked: 0 | null): Promise<void> => {
    const first = events[0] as ExecutionEvent;
    const after = gapBefore(first, unmarked);
    // Nobody to deliver to: the events are marked delivered, no later subscriber expects them.
    if (after !== null && subscribers > 0) deliver(await options.read(first.execution_id, after, first.seq - after - 1));
    deliver(events);
  };

  return {
    // Heard on this node only: a follower on another node of an execution purged here stays
    // open until its client leaves, and a reconnect gets 404 (docs/operations.md, Retention).
    announceGone: (ids) => inner.announceGone(ids),
    subscribe(filter, listener, onGone) {
      const off = inner.subscribe(filter, listener, onGone);
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
      // At once, unless a gap (this node took the execution over) must be read first.
      if (!queued.has(first.execution_id) && (subscribers === 0 || gapBefore(first, 0) === null)) deliver(events);
      else enqueue(first.execution_id, () => fillThenDeliver(events, 0));
    },
    delivered,
    ingest(events) {
      const first = events[0];
      const last = events[events.length - 1];
      if (first === undefined || last === undefined) return;
      // Delivered already (this node's own commits come back this way after their publish):
      // nothing to queue, so the node's next publish is not held behind it.
      if (delivered(first.execution_id, last.seq)) return;
      enqueue(first.execution_id, () => fillThenDeliver(events, null));
    },
    resync() {
      for (const [id, mark] of marks) {
        if (mark.done) continue;
        enqueue(id, async () => {
          const current = marks.get(id);
          if (current !== undefined && subscribers > 0) deliver(await options.read(id, current.seq));
        });
      }
    },
    settled: () => chain,
  };
}
