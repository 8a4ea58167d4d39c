/**
 * The all-events streams' source. Their cursor is the store's global event position,
 * so the feed reads the store, never trusts the order events reach the bus: a bus event
 * only tells it to read on after the highest position it has — one read for any number
 * of events and subscribers, after the engine's commit, never in it, and at most one
 * read per `batch_ms`, so a burst becomes one batch. Every live subscriber gets the same
 * batch object (serialised once for all of them) in its own bounded outbox; one that
 * resumes from an older position first catches up from the store a page at a time, then
 * joins the live feed without a gap or a repeat.
 */
import { performance } from 'node:perf_hooks';
import type { ExecutionEvent } from '../core/model.js';
import type { EventBus } from '../engine/index.js';
import type { OutboxWrite } from './stream-outbox.js';
import { chargeFanoutRound } from './fanout-cost.js';

/** Why a client that fell behind is dropped; it resumes from the last event id it received. */
export const SLOW_CLIENT = 'client too slow: its queue is full; resume from the last event id it received';

/** Consecutive events, oldest first, each with its `position`; shared by every subscriber it goes to. */
export interface FeedBatch {
  readonly events: readonly ExecutionEvent[];
}

/** Where a subscriber's events go; `push` false means it fell behind (the feed then drops it). */
export interface FeedSink {
  /** Queues the batch (a reference: one batch is shared by every subscriber) and writes nothing. */
  push(batch: FeedBatch): boolean;
  /**
   * Writes what is queued, as one write, but only if the socket holds nothing unsent, so
   * the feed's timing of the call covers the write; the bytes the kernel did not take at
   * once (libuv writes them later, out of sight) are reported, and the feed charges them
   * at the rate of the bytes it saw go.
   */
  flush(): OutboxWrite;
  /** Resolves when a catch-up may push more (the sink's queue has room). */
  whenRoomy(): Promise<void>;
  /** Ends the subscription; `reason` is logged and, where the protocol allows, sent. */
  drop(reason: string): void;
}

export interface GlobalEventFeedOptions {
  bus: Pick<EventBus, 'subscribe'>;
  readAfter(position: number, limit: number): Promise<ExecutionEvent[]>;
  lastPosition(): Promise<number>;
  /**
   * Least milliseconds between two reads of the store; events in between go out as one
   * batch. The wait also grows to four times what the last round of writes to every
   * subscriber took, so fan-out never takes more than about a fifth of the process,
   * however many subscribers there are (their latency grows instead, and a subscriber
   * that falls more than its queue behind is dropped with its cursor). Every socket
   * write happens in a round, to a socket with nothing unsent, so the round's timing
   * covers it, and the bytes libuv finishes later are charged to the round (chargeFanoutRound).
   */
  batch_ms: number;
  onError(error: unknown): void;
}

export interface GlobalEventFeed {
  /**
   * Subscribes `sink` to every event after `afterPosition` (null: only events committed
   * from now on); returns the function that unsubscribes.
   */
  subscribe(afterPosition: number | null, sink: FeedSink): () => void;
  /** Subscribers now. */
  size(): number;
  /** The highest position read and handed to subscribers; -1 while idle. */
  position(): number;
  /** Unsubscribes from the bus and drops nobody (the hub closes the connections). */
  stop(): void;
}

/** The wait after a batch, as a multiple of what writing it took: fan-out gets at most about 1/(1+4) of the process. */
const FANOUT_WAIT_FACTOR = 4;
/** Subscribers written to between two turns of the event loop. */
const FANOUT_SLICE = 64;

/** Events read from the store per query, for the live feed and for catch-ups alike. */
export const FEED_PAGE = 1000;

interface Subscriber {
  sink: FeedSink;
  live: boolean;
  stopped: boolean;
  /** Something is queued that its socket could not take yet: the next round writes it. */
  pending: boolean;
  /** Events at or below this position are not sent (what the client already has). */
  floor: number;
}

const positionOf = (event: ExecutionEvent): number => event.position ?? 0;

/** The part of `batch` above `floor` (the batch itself when all of it is). */
function above(batch: FeedBatch, floor: number): FeedBatch | null {
  const first = batch.events[0];
  if (first === undefined) return null;
  if (positionOf(first) > floor) return batch;
  const events = batch.events.filter((e) => positionOf(e) > floor);
  return events.length === 0 ? null : { events };
}

/** Creates the feed; it listens to the bus only while it has subscribers. */
export function createGlobalEventFeed(options: GlobalEventFeedOptions): GlobalEventFeed {
  const subscribers = new Set<Subscriber>();
  let high = -1; // highest position read; -1 until known
  let ready: Promise<void> | null = null;
  let unsubscribeBus: (() => void) | null = null;
  let pulling = false;
  let requested = false;
  let timer: NodeJS.Timeout | null = null;
  let lastReadAt = 0;
  let lastCost = 0;
  let msPerByte = 0;

  const drop = (sub: Subscriber, reason: string): void => {
    if (sub.stopped) return;
    sub.stopped = true;
    subscribers.delete(sub);
    sub.sink.drop(reason);
    if (subscribers.size === 0) idle();
  };

  /**
   * One round: queues `batch` (if any) for every live subscriber and writes to every
   * subscriber whose socket has room, a slice at a time with the event loop free in
   * between (a large batch to many sockets must not stall the engine); returns the time
   * spent. Subscribers that go live meanwhile read this batch from the store.
   */
  const deliver = async (batch: FeedBatch | null): Promise<number> => {
    const targets = [...subscribers].filter((sub) => (batch !== null && sub.live) || sub.pending);
    let cost = 0;
    let taken = 0;
    let unsent = 0;
    for (let i = 0; i < targets.length; i += FANOUT_SLICE) {
      const started = performance.now();
      for (const sub of targets.slice(i, i + FANOUT_SLICE)) {
        if (sub.stopped) continue;
        const mine = batch !== null && sub.live ? above(batch, sub.floor) : null;
        if (mine !== null && !sub.sink.push(mine)) {
          drop(sub, SLOW_CLIENT);
          continue;
        }
        const wrote = sub.sink.flush();
        sub.pending = wrote.pending;
        taken += Math.max(0, wrote.bytes - wrote.unsent);
        unsent += Math.min(wrote.bytes, wrote.unsent);
      }
      cost += performance.now() - started;
      if (i + FANOUT_SLICE < targets.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const charged = chargeFanoutRound({ ms: cost, taken, unsent }, msPerByte);
    msPerByte = charged.msPerByte;
    return charged.cost;
  };

  const anyPending = (): boolean => {
    for (const sub of subscribers) if (sub.pending) return true;
    return false;
  };

  /**
   * One round: reads the next page when the bus signalled events (or a backlog remains) and
   * queues it for every live subscriber, then writes to every socket that has room; a round
   * with nothing to read only writes what earlier rounds left queued.
   */
  const round = async (): Promise<void> => {
    timer = null;
    pulling = true;
    const read = requested;
    requested = false;
    lastReadAt = Date.now();
    try {
      const page = read ? await options.readAfter(high, FEED_PAGE) : [];
      if (unsubscribeBus === null) return; // went idle meanwhile: the next start reads the tail afresh
      const last = page.at(-1)?.position;
      if (last !== undefined) high = last;
      if (last !== undefined || anyPending()) lastCost = await deliver(last !== undefined ? { events: page } : null);
      // A backlog is read a page per round: the wait after each page keeps fan-out to its share.
      if (page.length === FEED_PAGE) requested = true;
    } catch (error) {
      options.onError(error);
    } finally {
      pulling = false;
      if ((requested || anyPending()) && unsubscribeBus !== null) arm();
    }
  };

  /** Sets the timer for the next round: batch_ms after the last, or four times its cost if longer. */
  const arm = (): void => {
    if (pulling || timer !== null || high < 0) return;
    const gap = Math.max(options.batch_ms, lastCost * FANOUT_WAIT_FACTOR);
    // at least batch_ms from the first new event too, so a burst after a quiet spell is one batch
    timer = setTimeout(() => void round(), Math.max(options.batch_ms, lastReadAt + gap - Date.now()));
  };

  const schedule = (): void => {
    requested = true;
    arm();
  };

  const start = (): Promise<void> => {
    ready ??= (async () => {
      // subscribe first: an event committed while the tail is read still triggers a read
      unsubscribeBus = options.bus.subscribe({}, schedule);
      high = await options.lastPosition();
      if (requested) arm();
    })();
    return ready;
  };

  const idle = (): void => {
    unsubscribeBus?.();
    unsubscribeBus = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    ready = null;
    high = -1;
    requested = false;
  };

  const awaitRound = (sub: Subscriber): void => {
    sub.pending = true;
    arm();
  };

  const catchUp = async (sub: Subscriber, from: number): Promise<void> => {
    let position = from;
    for (;;) {
      if (sub.stopped) return;
      if (position >= high) {
        // Nothing between this subscriber and the feed: a read in flight started after
        // `high` too, so going live now neither skips nor repeats an event.
        sub.live = true;
        return;
      }
      const page = await options.readAfter(position, Math.min(FEED_PAGE, Math.max(1, high - position)));
      if (sub.stopped) return;
      const upTo = page.filter((event) => positionOf(event) <= high && positionOf(event) > sub.floor);
      // a gap up to `high` (positions of rolled-back appends): nothing more to read below it
      if (upTo.length === 0) {
        position = Math.max(position, high);
        continue;
      }
      const batch: FeedBatch = { events: upTo };
      // written by the rounds, like live batches, so catch-ups count towards fan-out's share too
      if (!sub.sink.push(batch)) {
        awaitRound(sub);
        await sub.sink.whenRoomy();
        if (sub.stopped) return;
        if (!sub.sink.push(batch)) return drop(sub, SLOW_CLIENT);
      }
      awaitRound(sub);
      position = positionOf(upTo.at(-1) as ExecutionEvent);
    }
  };

  return {
    subscribe(afterPosition, sink) {
      const sub: Subscriber = { sink, live: false, stopped: false, pending: false, floor: afterPosition ?? -1 };
      subscribers.add(sub);
      start()
        .then(() => {
          if (sub.stopped) return undefined;
          // a position past the feed's (from a node that read further) skips events up to it
          return catchUp(sub, afterPosition === null ? high : Math.min(afterPosition, high));
        })
        .catch((error: unknown) => {
          options.onError(error);
          drop(sub, `cannot read history: ${(error as Error).message}`);
        });
      return () => {
        if (sub.stopped) return;
        sub.stopped = true;
        subscribers.delete(sub);
        if (subscribers.size === 0) idle();
      };
    },
    size: () => subscribers.size,
    position: () => high,
    stop() {
      subscribers.clear();
      idle();
    },
  };
}
