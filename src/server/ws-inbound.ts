/**
 * What a WebSocket client may send: a token bucket of `perSecond` messages (a burst of
 * twice that), and a reply only while the socket's buffer is under the limit. Past either,
 * the server stops reading from the socket (ws pause) instead of queueing: the client's
 * own sends then back up in TCP, and a client that floods without reading costs the server
 * a bounded buffer, not memory without end.
 */
import type { WebSocket } from 'ws';

export interface InboundLimiter {
  /** Whether to handle a message that arrived; false drops it (reading pauses until a token is due). */
  admit(): boolean;
  /** Sends a reply, pausing reading until the socket drains when its buffer is over the limit. */
  reply(text: string): void;
  stats(): { received: number; replies: number; reading_paused: boolean };
}

/** Creates the limiter of one connection. */
export interface InboundLimiterOptions {
  /** Messages per second (twice as many in a burst). */
  per_second: number;
  /** Sends one reply (through the connection's drain tracking). */
  send(text: string): void;
  /** Calls `fn` once the socket's buffer is under the limit again. */
  onceDrained(fn: () => void): void;
  buffer_bytes: number;
}

export function createInboundLimiter(ws: WebSocket, options: InboundLimiterOptions): InboundLimiter {
  const perSecond = Math.max(1, options.per_second);
  const burst = Math.max(1, perSecond * 2);
  let tokens = burst;
  let refilledAt = Date.now();
  let received = 0;
  let replies = 0;
  let pausedFor: 'rate' | 'buffer' | null = null;

  const pause = (reason: 'rate' | 'buffer', resumeWhen: (resume: () => void) => void): void => {
    if (pausedFor !== null) return;
    pausedFor = reason;
    ws.pause();
    resumeWhen(() => {
      pausedFor = null;
      if (ws.readyState === ws.OPEN) ws.resume();
    });
  };

  return {
    admit() {
      received += 1;
      // frames already read when reading paused are not answered either
      if (pausedFor !== null) return false;
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) * perSecond) / 1000);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      pause('rate', (resume) => {
        const timer = setTimeout(resume, Math.ceil(((1 - tokens) * 1000) / perSecond));
        timer.unref();
      });
      return false;
    },
    reply(text) {
      if (ws.readyState !== ws.OPEN) return;
      replies += 1;
      options.send(text);
      if (ws.bufferedAmount > options.buffer_bytes) pause('buffer', (resume) => options.onceDrained(resume));
    },
    stats: () => ({ received, replies, reading_paused: pausedFor !== null }),
  };
}
