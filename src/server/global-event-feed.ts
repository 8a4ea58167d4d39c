/**
 * The all-events streams' source. Their cursor is the store's global event position,
 * so the feed reads the store, never trusts the order events reach the bus: a bus event
 * only tells it to read on after the highest position it has (one read for any number of
 * events and subscribers, after the engine's commit, never in it). Each subscriber gets
 * the new events pushed to its own bounded outbox; one that resumes from an older
 * position first catches up from the store a page at a time, then joins the live feed
 * without a gap or a repeat.
 */
import type { ExecutionEvent } from '../core/model.js';
import type { EventBus } from '../engine/index.js';

/** Why a client that fell behind is dropped; it resumes from the last event id it received. */
export const SLOW_CLIENT = 'client too slow: its queue is full; resume from the last event id it received';

/** Where a subscriber's events go; `push` false means it fell behind (the feed then drops it). */
export interface FeedSink {
  push(event: ExecutionEvent): boolean;
  /** Resolves when a catch-up may push more (the sink's queue has room). */
  whenRoomy(): Promise<void>;
  /** Ends the subscription; `reason` is logged and, where the protocol allows, sent. */
  drop(reason: string): void;
}

export interface GlobalEventFeedOptions {
  bus: Pick<EventBus, 'subscribe'>;
  readAfter(position: number, limit: number): Promise<ExecutionEvent[]>;
  lastPosition(): Promise<number>;
  onError(error: unknown): void;
}

export interface GlobalEventFeed {
  /**
   * Subscribes `sink` to every event after `afterPosition` (null: only events committed
   * from now on); returns the function that unsubscribes.
   */
  subscribe(afterPosition: number | null, sink: FeedSink): () => void;
  /** Subscribers now (for tests and the status page). */
  size(): number;
  /** Unsubscribes from the bus and drops nobody (the hub closes the connections). */
  stop(): void;
}

/** Events read from the store per query, for the live feed and for catch-ups alike. */
export const FEED_PAGE = 1000;

interface Subscriber {
  sink: FeedSink;
  live: boolean;
  stopped: boolean;
  /** Events at or below this position are not sent (what the client already has). */
  floor: number;
}

/** Creates the feed; it listens to the bus only while it has subscribers. */
export function createGlobalEventFeed(options: GlobalEventFeedOptions): GlobalEventFeed {
  const subscribers = new Set<Subscriber>();
  let high = -1; // highest position read; -1 until known
  let ready: Promise<void> | null = null;
  let unsubscribeBus: (() => void) | null = null;
  let pulling = false;
  let again = false;

  const deliver = (events: readonly ExecutionEvent[]): void => {
    for (const sub of subscribers) {
      if (!sub.live || sub.stopped) continue;
      for (const event of events) {
        if ((event.position ?? 0) <= sub.floor) continue;
        if (!sub.sink.push(event)) {
          drop(sub, SLOW_CLIENT);
          break;
        }
      }
    }
  };

  const drop = (sub: Subscriber, reason: string): void => {
    if (sub.stopped) return;
    sub.stopped = true;
    subscribers.delete(sub);
    sub.sink.drop(reason);
    if (subscribers.size === 0) idle();
  };

  /** Reads on from `high` until nothing is left; one at a time (`pulling` is set by whoever schedules it). */
  const pull = async (): Promise<void> => {
    pulling = true;
    try {
      do {
        again = false;
        for (;;) {
          const page = await options.readAfter(high, FEED_PAGE);
          if (unsubscribeBus === null) return; // went idle meanwhile: the next start reads the tail afresh
          const last = page.at(-1);
          if (last?.position === undefined) break;
          high = last.position;
          deliver(page);
          if (page.length < FEED_PAGE) break;
        }
      } while (again && subscribers.size > 0);
    } catch (error) {
      options.onError(error);
    } finally {
      pulling = false;
    }
  };

  const start = (): Promise<void> => {
    ready ??= (async () => {
      // subscribe first: an event committed while the tail is read still triggers a read
      unsubscribeBus = options.bus.subscribe({}, () => {
        if (!pulling && high >= 0) {
          pulling = true;
          setImmediate(() => void pull());
        } else again = true;
      });
      high = await options.lastPosition();
      if (again) void pull();
    })();
    return ready;
  };

  const idle = (): void => {
    unsubscribeBus?.();
    unsubscribeBus = null;
    ready = null;
    high = -1;
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
      const upTo = page.filter((event) => (event.position ?? 0) <= high);
      for (const event of upTo) {
        if (!sub.sink.push(event)) {
          await sub.sink.whenRoomy();
          if (sub.stopped || !sub.sink.push(event)) return drop(sub, SLOW_CLIENT);
        }
        position = event.position ?? position;
      }
      // a gap up to `high` (positions of rolled-back appends): nothing more to read below it
      if (upTo.length === 0) position = high;
    }
  };

  return {
    subscribe(afterPosition, sink) {
      const sub: Subscriber = { sink, live: false, stopped: false, floor: afterPosition ?? -1 };
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
    stop() {
      subscribers.clear();
      idle();
    },
  };
}
