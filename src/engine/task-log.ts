/**
 * The task log: lines tasks print and notes the engine makes about them, written to the
 * store in batches apart from the event history (a chatty task never delays a commit of
 * events), bounded per attempt, and handed to live followers once stored.
 */
import type { Store, StoredTaskLogLine, TaskLogLine } from '../store/store.js';
import { isUtf8Continuation } from '../actions/line-splitter.js';
import type { Clock } from './clock.js';

/** Where a text given as one line holds several: as a child's output is split (actions/line-splitter.ts). */
const LINE_BREAK = /\r\n|\r|\n/;

/** Lines stored, in seq order, for live followers. */
export type TaskLogListener = (lines: readonly StoredTaskLogLine[]) => void;

export interface TaskLogWriter {
  /** A writer for one attempt of one task (or item): bounded by max_log_bytes_per_attempt. */
  forAttempt(unit: { execution_id: string; task_id: string; item_index?: number; attempt: number }): (stream: TaskLogLine['stream'], line: string) => void;
  /** Follows every stored line; returns the unsubscribe. */
  subscribe(listener: TaskLogListener): () => void;
  /** Writes what is buffered now; resolves once those lines are stored (not waiting for lines printed later). */
  flush(): Promise<void>;
  /**
   * While more is held than the store has caught up with (a task printing faster than the
   * store writes), a promise that resolves once the backlog is down to half; null while it
   * keeps up. Child processes' pipes are paused meanwhile, so memory stays bounded.
   */
  backlog(): Promise<void> | null;
}

export interface TaskLogOptions {
  store: Store;
  /** Stamps each line's `at`. */
  clock: Clock;
  /** Bytes of log one attempt may write; past it one truncation note, then nothing. */
  max_bytes_per_attempt: number;
  /** Lines buffered before a write is started at once. @default 500 */
  batch_lines?: number;
  /** Longest a line waits in the buffer. @default 100 */
  flush_ms?: number;
  /** Bytes held (text plus a per-line allowance) past which backlog() asks printers to wait. @default 8 MiB */
  max_held_bytes?: number;
  /** Bytes of one stored line: a longer one is cut into pieces of at most this. @default 16384 */
  max_line_bytes?: number;
  /**
   * Masks a line's secrets. A line cut into pieces is masked whole first, so a secret the
   * cut would split is masked too (the store masks each piece again, which changes nothing).
   * @default none: the store's own masking of each line
   */
  mask?: (text: string) => string;
  onError(error: unknown): void;
}

/**
 * `text` in pieces of at most `maxBytes` bytes of UTF-8, cut between characters.
 * @example piecesOf('aé', 2) // ['a', 'é']
 */
export function piecesOf(text: string, maxBytes: number): string[] {
  // A UTF-16 unit is at most 3 bytes of UTF-8: most lines need no count.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return [text];
  const bytes = Buffer.from(text);
  const out: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    // Back off to the start of the character the cut would split (at most 3 bytes).
    let back = end;
    while (back > start && end - back < 3 && end < bytes.length && isUtf8Continuation(bytes[back])) back -= 1;
    if (back > start) end = back;
    out.push(bytes.toString('utf8', start, end));
    start = end;
  }
  return out;
}

/** Creates the engine's task log writer. */
export function createTaskLogWriter(options: TaskLogOptions): TaskLogWriter {
  const batchLines = options.batch_lines ?? 500;
  const maxLineBytes = options.max_line_bytes ?? 16 * 1024;
  const mask = options.mask ?? ((text: string) => text);
  const flushMs = options.flush_ms ?? 100;
  const listeners = new Set<TaskLogListener>();
  const maxHeld = options.max_held_bytes ?? 8 * 1024 * 1024;
  // When behind, one write takes what has piled up, up to this many lines.
  const maxBatch = batchLines * 10;
  let buffer: TaskLogLine[] = [];
  // Batching is I/O, not scheduling: real time even when the engine runs on a test clock.
  let timer: NodeJS.Timeout | null = null;
  // One write at a time, in order, so seqs follow the order lines were printed.
  let pumping: Promise<void> | null = null;
  // Lines pushed and lines written (stored or failed) since start: a flush waits for its mark.
  let pushed = 0;
  let written = 0;
  let flushWaiters: Array<{ mark: number; resolve: () => void }> = [];
  // Bytes held in the buffer and in the write under way; a line counts its object too.
  let held = 0;
  const LINE_OVERHEAD = 256;
  let drained: { promise: Promise<void>; resolve: () => void } | null = null;

  const settle = (): void => {
    if (flushWaiters.length > 0) {
      const due = flushWaiters.filter((w) => w.mark <= written);
      flushWaiters = flushWaiters.filter((w) => w.mark > written);
      for (const waiter of due) waiter.resolve();
    }
    if (drained !== null && held <= maxHeld / 2) {
      drained.resolve();
      drained = null;
    }
  };

  const pump = async (): Promise<void> => {
    while (buffer.length > 0) {
      const batch = buffer.length <= maxBatch ? buffer : buffer.slice(0, maxBatch);
      buffer = batch === buffer ? [] : buffer.slice(maxBatch);
      try {
        const stored = await options.store.executions.appendLogs(batch);
        for (const listener of listeners) listener(stored);
      } catch (error) {
        options.onError(error);
      }
      written += batch.length;
      for (const line of batch) held -= line.line.length + LINE_OVERHEAD;
      settle();
    }
  };

  const write = (): Promise<void> => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pushed === written) return Promise.resolve();
    const done = new Promise<void>((resolve) => flushWaiters.push({ mark: pushed, resolve }));
    pumping ??= pump().finally(() => {
      pumping = null;
      // A line pushed while the last write settled found the pump still running: write it now.
      if (buffer.length > 0) void write();
    });
    return done;
  };

  // Lines come in bursts: one ISO string per millisecond, not one per line.
  let stampedAt = Number.NaN;
  let stamped = '';
  const stamp = (): string => {
    const now = options.clock.now();
    if (now !== stampedAt) {
      stampedAt = now;
      stamped = new Date(now).toISOString();
    }
    return stamped;
  };

  const push = (line: TaskLogLine): void => {
    buffer.push(line);
    pushed += 1;
    held += line.line.length + LINE_OVERHEAD;
    if (buffer.length >= batchLines) void write();
    else timer ??= setTimeout(() => void write(), flushMs);
  };

  return {
    forAttempt(unit) {
      let bytes = 0;
      let truncated = false;
      const one = (stream: TaskLogLine['stream'], at: string, text: string): void => {
        if (truncated) return;
        const size = Buffer.byteLength(text) + 1;
        const line: TaskLogLine = { ...unit, stream, at, line: text };
        if (bytes + size > options.max_bytes_per_attempt) {
          truncated = true;
          push({ ...line, stream: 'system', line: `[log truncated: this attempt printed more than ${options.max_bytes_per_attempt} bytes (limits.max_log_bytes_per_attempt)]` });
          return;
        }
        bytes += size;
        push(line);
      };
      const line = (stream: TaskLogLine['stream'], at: string, printed: string): void => {
        // PostgreSQL cannot hold U+0000 in text (a batch holding one was lost there): it is
        // shown as U+FFFD on every backend, like bytes that are not UTF-8.
        const text = printed.includes('\u0000') ? printed.replaceAll('\u0000', '\uFFFD') : printed;
        const pieces = piecesOf(text, maxLineBytes);
        if (pieces.length === 1) return one(stream, at, text);
        for (const piece of piecesOf(mask(text), maxLineBytes)) one(stream, at, piece);
      };
      return (stream, printed) => {
        if (truncated) return;
        const at = stamp();
        if (!printed.includes('\n') && !printed.includes('\r')) return line(stream, at, printed);
        // A note or a returned line may hold several (an error quoting a script's output, a
        // component's log entry): one line per entry, as a script's own output is split, so a
        // reader never meets a line break (or a carriage return) inside a line. The masker knows each line of a
        // multi-line secret on its own (core/secret-masker.ts), so splitting first hides them all.
        for (const part of printed.split(LINE_BREAK)) line(stream, at, part);
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: write,
    backlog() {
      if (held <= maxHeld) return null;
      if (drained === null) {
        let resolve = (): void => undefined;
        const promise = new Promise<void>((r) => (resolve = r));
        drained = { promise, resolve };
      }
      return drained.promise;
    },
  };
}
