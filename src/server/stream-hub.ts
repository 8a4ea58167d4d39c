/**
 * Tracks open WebSocket and SSE connections so shutdown can close them all, and holds
 * the all-events feed they share (created on first use, stopped on shutdown).
 */
import { createGlobalEventFeed, type GlobalEventFeed, type GlobalEventFeedOptions } from './global-event-feed.js';

/** What one open stream holds now (GET /status-style introspection, and tests of the bounds). */
export interface StreamStats {
  kind: 'sse' | 'ws';
  /** Messages queued for the client, not yet written. */
  queued: number;
  /** Bytes written but still held by this process. */
  buffered_bytes: number;
  /** WebSocket: frames received from the client; its replies; whether reading from it is paused. */
  received?: number;
  replies?: number;
  reading_paused?: boolean;
}

export interface StreamHub {
  /** Registers a connection's closer (and its stats); returns the function that unregisters it. */
  add(close: (reason: string) => void, stats?: () => StreamStats): () => void;
  /** The stats of every open stream that gave them. */
  stats(): StreamStats[];
  size(): number;
  closeAll(reason: string): void;
  /** The all-events feed when one was created (null before the first all-events subscriber). */
  currentFeed(): GlobalEventFeed | null;
  /** The shared all-events feed; `options` are used the first time only. */
  feed(options: GlobalEventFeedOptions): GlobalEventFeed;
}

export function createStreamHub(): StreamHub {
  const open = new Set<(reason: string) => void>();
  const stats = new Map<(reason: string) => void, () => StreamStats>();
  let feed: GlobalEventFeed | null = null;
  return {
    add(close, statsOf) {
      open.add(close);
      if (statsOf) stats.set(close, statsOf);
      return () => {
        open.delete(close);
        stats.delete(close);
      };
    },
    stats: () => [...stats.values()].map((of) => of()),
    size: () => open.size,
    closeAll(reason) {
      for (const close of [...open]) close(reason);
      open.clear();
      stats.clear();
      feed?.stop();
    },
    currentFeed: () => feed,
    feed(options) {
      feed ??= createGlobalEventFeed(options);
      return feed;
    },
  };
}
