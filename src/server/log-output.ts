/**
 * The server's log destination: pino's JSON lines to a stream (process.stdout) that never
 * holds up the event loop when the stream's reader stops reading (a stuck supervisor, a
 * paused `| less`), the failure pino's default synchronous destination has — its write
 * waits for the pipe, so HTTP, executions and even SIGTERM wait with it.
 *
 * Lines go to the stream as they come; what the reader has not taken yet waits in the
 * stream's own buffer (node queues it and writes when the pipe has room, through the event
 * loop). Past `max_buffer_bytes` waiting, new lines are dropped whole and counted; once the
 * stream has caught up, `onCaughtUp` is told how many were lost. A reader that keeps up
 * (or a file: writes to files are synchronous) loses nothing. The same policy as
 * sonic-boom's `maxLength` (pino's asynchronous mode), without its thread-pool writes, which
 * leave a thread blocked on the full pipe that the process then cannot exit past.
 */

import { pino, type Logger } from 'pino';

/** Where the lines go: process.stdout fits. */
export interface LogStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  /** Characters written but not yet handed to the reader (the pipe). */
  readonly writableLength: number;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface LogOutputOptions {
  stream: LogStream;
  /** Characters that may wait for the reader before new lines are dropped; a line always goes when none wait. */
  max_buffer_bytes: number;
  /** Told, once the stream has caught up after dropping lines, how many it dropped since it last said. */
  onCaughtUp?: (dropped: number) => void;
}

/** A pino destination with a bounded backlog. */
export interface LogOutput {
  /** Writes one line (pino's destination interface), or drops it when the backlog is full. */
  write(line: string): void;
  /** Lines dropped since start: the backlog was full, or the reader had gone (EPIPE). */
  dropped(): number;
  /** Characters written but not yet taken by the reader. */
  pending(): number;
  /**
   * Resolves true once nothing waits for the reader, false when `timeout_ms` passes first
   * (the lines still waiting are then as good as lost: a shutdown goes on without them).
   */
  waitForDrain(timeout_ms: number): Promise<boolean>;
}

// Streams given an 'error' listener: one each, however many outputs (apps) share it.
const listened = new WeakSet<LogStream>();

/**
 * Creates the destination over `stream`.
 * @example
 * const output = createLogOutput({ stream: process.stdout, max_buffer_bytes: 1 << 20 });
 * const logger = pino({ name: 'harmonia' }, output);
 */
export function createLogOutput(options: LogOutputOptions): LogOutput {
  const { stream, max_buffer_bytes } = options;
  let dropped = 0;
  let unreported = 0;
  // The reader went away (EPIPE) or the stream failed: nothing more can be written.
  let broken = false;
  const drainWaiters = new Set<() => void>();

  const caughtUp = (): void => {
    if (unreported > 0 && !broken) {
      const count = unreported;
      unreported = 0;
      options.onCaughtUp?.(count);
    }
    for (const resolve of drainWaiters) resolve();
  };
  // One callback for every write: after each, the backlog may have emptied.
  const afterWrite = (error?: Error | null): void => {
    if (error) broken = true;
    if (broken || stream.writableLength === 0) caughtUp();
  };
  // A failed write reaches its callback (above), where each output learns of it; one
  // listener per stream keeps the stream's 'error' event from being an uncaught exception
  // (and tells the CLI's stdout guard that a server whose log reader went away keeps serving).
  if (!listened.has(stream)) {
    listened.add(stream);
    stream.on('error', () => undefined);
  }

  return {
    write(line) {
      const waiting = stream.writableLength;
      if (broken || (waiting > 0 && waiting + line.length > max_buffer_bytes)) {
        dropped += 1;
        unreported += 1;
        return;
      }
      stream.write(line, afterWrite);
    },
    dropped: () => dropped,
    pending: () => (broken ? 0 : stream.writableLength),
    waitForDrain(timeout_ms) {
      if (broken || stream.writableLength === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (drained: boolean): void => {
          clearTimeout(timer);
          drainWaiters.delete(onDrain);
          resolve(drained);
        };
        const onDrain = (): void => done(true);
        const timer = setTimeout(() => done(false), timeout_ms);
        drainWaiters.add(onDrain);
      });
    },
  };
}

export interface BoundedLoggerOptions {
  /** pino's level. @default 'info' */
  level?: string;
  /** @default process.stdout */
  stream?: LogStream;
  max_buffer_bytes: number;
}

/**
 * A pino logger (name `harmonia`) writing through createLogOutput, which warns through the
 * logger itself, once its reader has caught up, how many lines it dropped.
 */
export function createBoundedLogger(options: BoundedLoggerOptions): { logger: Logger; output: LogOutput } {
  const output = createLogOutput({
    stream: options.stream ?? process.stdout,
    max_buffer_bytes: options.max_buffer_bytes,
    onCaughtUp: (dropped) => logger.warn({ dropped_lines: dropped }, `${dropped} log lines dropped while stdout was blocked`),
  });
  const logger = pino({ name: 'harmonia', level: options.level ?? 'info' }, output);
  return { logger, output };
}
