/**
 * Feeds one subscriber an execution's events in seq order with no gap and no
 * duplicate: it subscribes to the bus first, reads history from the store while
 * buffering live events, then drains the buffer and goes live. A live event that
 * skips a seq sends it back to reading history. Used by WebSocket and SSE alike. The
 * all-events stream goes through the global feed instead, whose cursor is the store's
 * global event position.
 */
import type { ExecutionEvent } from '../core/model.js';
import type { EventBus } from '../engine/index.js';
import { SLOW_CLIENT, type FeedBatch, type GlobalEventFeed } from './global-event-feed.js';
import type { OutboxWrite } from './stream-outbox.js';

/** Where events go. `send` queues and returns false when the client is too far behind: the stream then ends. */
export interface EventSink {
  send(event: ExecutionEvent): boolean;
  /** Resolves when the queue has room again (history catch-ups wait instead of overflowing). */
  whenRoomy?(): Promise<void>;
  /** Ends the client's connection; `reason` is logged and, where the protocol allows, sent. */
  close(reason: string): void;
}

export interface ExecutionStreamOptions {
  bus: Pick<EventBus, 'subscribe'>;
  /** At most `limit` events with seq > afterSeq, oldest first. */
  readEvents: (executionId: string, afterSeq: number, limit: number) => Promise<ExecutionEvent[]>;
  execution_id: string;
  /** Events with seq above this are sent; 0 sends the whole history. */
  after_seq: number;
  sink: EventSink;
  /** Live events held while history is read; a client that needs more is disconnected. @default 10000 */
  max_pending?: number;
}


/** Why a stream of an execution that retention deleted ends; a reconnect gets 404. */
export const EXECUTION_GONE = 'execution deleted (retention)';

/** History is read in pages of this many events, so a late subscriber to a long run never loads it all at once. */
export const CATCH_UP_PAGE = 1000;

/** Starts streaming; returns the function that stops it (unsubscribes). */
export function streamExecutionEvents(options: ExecutionStreamOptions): () => void {
  const { bus, sink, execution_id: executionId } = options;
  const maxPending = options.max_pending ?? 10_000;
  let lastSeq = options.after_seq;
  let pending: ExecutionEvent[] | null = [];
  let stopped = false;

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
  };

  const deliver = (event: ExecutionEvent): void => {
    if (stopped || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (!sink.send(event)) {
      stop();
      sink.close(SLOW_CLIENT);
    }
  };

  const catchUp = async (): Promise<void> => {
    try {
      for (;;) {
        const page = await options.readEvents(executionId, lastSeq, CATCH_UP_PAGE);
        if (stopped) return;
        for (const event of page) {
          // a long history waits for the client to read rather than overflowing its queue
          if (sink.whenRoomy) await sink.whenRoomy();
          if (stopped) return;
          deliver(event);
        }
        const buffered = (pending ?? []).filter((e) => e.seq > lastSeq).sort((a, b) => a.seq - b.seq);
        let i = 0;
        while (i < buffered.length && buffered[i]?.seq === lastSeq + 1) {
          deliver(buffered[i] as ExecutionEvent);
          i += 1;
        }
        const rest = buffered.slice(i).filter((e) => e.seq > lastSeq);
        const morePages = page.length === CATCH_UP_PAGE;
        if (!morePages && (rest.length === 0 || page.length === 0)) {
          // The bus publishes after commit, so a hole is always readable; an empty
          // read with a hole left cannot happen, and must not spin if it does.
          for (const event of rest) deliver(event);
          pending = null;
          return;
        }
        pending = rest;
      }
    } catch (error) {
      stop();
      sink.close(`cannot read history: ${(error as Error).message}`);
    }
  };

  const onGone = (): void => {
    if (stopped) return;
    stop();
    sink.close(EXECUTION_GONE);
  };
  const unsubscribe = bus.subscribe({ execution_id: executionId }, (event) => {
    if (stopped) return;
    if (pending !== null) {
      pending.push(event);
      if (pending.length > maxPending) {
        stop();
        sink.close(SLOW_CLIENT);
      }
      return;
    }
    if (event.seq > lastSeq + 1) {
      // a hole: fetch the missing events from history before this one
      pending = [event];
      void catchUp();
      return;
    }
    deliver(event);
  }, onGone);

  void catchUp();
  return stop;
}

/** Where the all-events stream's batches go (see FeedSink). */
export interface BatchSink {
  /** Queues a batch without writing it; false when the client is too far behind (it is then dropped). */
  pushBatch(batch: FeedBatch): boolean;
  /** Writes the queue if the socket holds nothing unsent (see FeedSink.flush). */
  flush(): OutboxWrite;
  whenRoomy(): Promise<void>;
  close(reason: string): void;
}

export interface GlobalStreamOptions {
  feed: GlobalEventFeed;
  /** Resume after this global position; null streams only events committed from now on. */
  after_position: number | null;
  sink: BatchSink;
}

/** Every execution's events, in global position order: history after `after_position`, then live. */
export function streamAllEvents(options: GlobalStreamOptions): () => void {
  const { sink } = options;
  return options.feed.subscribe(options.after_position, {
    push: (batch) => sink.pushBatch(batch),
    flush: () => sink.flush(),
    whenRoomy: () => sink.whenRoomy(),
    drop: (reason) => sink.close(reason),
  });
}
