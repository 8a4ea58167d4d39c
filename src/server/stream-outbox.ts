/**
 * One stream client's bounded queue of outgoing messages. Producers (the bus, the global
 * feed, a history catch-up) only push and return: the socket is written later, in batches,
 * and only while its own buffer is under the limit, so neither a slow reader nor many
 * readers hold the engine back. A full queue means the client fell behind: the caller
 * drops it, telling it the cursor to resume from (the last message written).
 */

/** A queued message: SSE text, or ready-made WebSocket frames. */
export type OutboxData = string | Buffer;

/** What the outbox writes to: an SSE response or a WebSocket's socket. */
export interface StreamTransport {
  /** Writes messages, oldest first, as one write. */
  write(messages: readonly OutboxData[]): void;
  /** Bytes written but still held in this process (not yet taken by the kernel). */
  buffered(): number;
  /** Calls `fn` once, when the buffer has drained (or at once when there is nothing to wait for). */
  onceDrained(fn: () => void): void;
}

export interface OutboxOptions {
  transport: StreamTransport;
  /** Messages the queue holds; one more and push() answers false. */
  max_messages: number;
  /** Bytes the transport may hold before writing pauses until it drains. */
  buffer_bytes: number;
}

/** What writeIfIdle did. */
export interface OutboxWrite {
  /** Bytes handed to the transport (0: nothing queued, or the transport still busy). */
  bytes: number;
  /** Bytes the transport holds afterwards that the kernel did not take at once. */
  unsent: number;
  /** Something stays queued for a later call. */
  pending: boolean;
}

export interface Outbox {
  /**
   * Queues a message worth `events` events (a batch of the global feed is one message) and
   * its resume cursor ('' when it has none); false when the queue is full. An empty queue
   * takes any batch, so a burst larger than the queue does not drop a client that keeps up.
   */
  push(data: OutboxData, cursor: string, events?: number): boolean;
  /**
   * Queues like push but writes nothing: the caller writes with writeIfIdle, where it can
   * time the write (a write the kernel does not take at once is finished later by libuv,
   * out of anyone's sight).
   */
  hold(data: OutboxData, cursor: string, events?: number): boolean;
  /** Writes the queue (as one write) only if the transport holds nothing unsent; see OutboxWrite. */
  writeIfIdle(): OutboxWrite;
  /** The cursor of the last message written that had one; '' before any. */
  lastCursor(): string;
  /** Events queued and not yet written. */
  size(): number;
  /** Resolves when the queue has room for half its capacity again (catch-ups wait on it instead of overflowing). */
  whenRoomy(): Promise<void>;
  /** Stops writing; queued messages are discarded. */
  close(): void;
}

// Messages joined into one write: large enough to make a write cheap, small enough to stay under the buffer limit.
const BATCH_MESSAGES = 256;

/** Creates an outbox over `transport`. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { transport } = options;
  let queue: Array<{ data: OutboxData; cursor: string; events: number }> = [];
  let head = 0;
  let queued = 0; // events in queue[head..]
  let scheduled = false;
  let waitingDrain = false;
  let closed = false;
  let last = '';
  let roomy: Array<() => void> = [];

  const size = (): number => queued;

  /** Writes up to BATCH_MESSAGES messages as one write; returns their bytes. */
  const writeSome = (): number => {
    const end = Math.min(queue.length, head + BATCH_MESSAGES);
    const batch: OutboxData[] = [];
    let bytes = 0;
    for (let i = head; i < end; i += 1) {
      const item = queue[i] as { data: OutboxData; cursor: string; events: number };
      batch.push(item.data);
      bytes += typeof item.data === 'string' ? Buffer.byteLength(item.data) : item.data.length;
      queued -= item.events;
      if (item.cursor !== '') last = item.cursor;
    }
    head = end;
    transport.write(batch);
    return bytes;
  };

  const flush = (): void => {
    scheduled = false;
    if (closed || waitingDrain) return;
    while (size() > 0) {
      if (transport.buffered() > options.buffer_bytes) {
        waitingDrain = true;
        transport.onceDrained(() => {
          waitingDrain = false;
          flush();
        });
        break;
      }
      writeSome();
    }
    settle();
  };

  /** Compacts the queue and wakes waiters for room. */
  const settle = (): void => {
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    if (size() * 2 <= options.max_messages && roomy.length > 0) {
      const waiters = roomy;
      roomy = [];
      for (const fn of waiters) fn();
    }
  };

  const enqueue = (data: OutboxData, cursor: string, events: number): boolean => {
    if (closed) return false;
    if (queued > 0 && queued + events > options.max_messages) return false;
    queue.push({ data, cursor, events });
    queued += events;
    return true;
  };

  return {
    push(data, cursor, events = 1) {
      if (!enqueue(data, cursor, events)) return false;
      if (!scheduled && !waitingDrain) {
        scheduled = true;
        setImmediate(flush);
      }
      return true;
    },
    hold: (data, cursor, events = 1) => enqueue(data, cursor, events),
    writeIfIdle() {
      if (closed || size() === 0) return { bytes: 0, unsent: 0, pending: false };
      if (waitingDrain || transport.buffered() > 0) return { bytes: 0, unsent: 0, pending: true };
      const bytes = writeSome();
      settle();
      return { bytes, unsent: transport.buffered(), pending: size() > 0 };
    },
    lastCursor: () => last,
    size,
    whenRoomy() {
      if (closed || size() * 2 <= options.max_messages) return Promise.resolve();
      return new Promise((resolve) => roomy.push(resolve));
    },
    close() {
      closed = true;
      queue = [];
      head = 0;
      queued = 0;
      const waiters = roomy;
      roomy = [];
      for (const fn of waiters) fn();
    },
  };
}
