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
  /** Writes what is buffered now. */
  flush(): Promise<void>;
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
  let buffer: TaskLogLine[] = [];
  // Batching is I/O, not scheduling: real time even when the engine runs on a test clock.
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    // One write at a time, in order, so seqs follow the order lines were printed.
    writing = writing.then(async () => {
      try {
        const stored = await options.store.executions.appendLogs(batch);
        for (const listener of listeners) listener(stored);
      } catch (error) {
        options.onError(error);
      }
    });
    return writing;
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
  };
}
