/**
 * The task log: lines tasks print and notes the engine makes about them, written to the
 * store in batches apart from the event history (a chatty task never delays a commit of
 * events), bounded per attempt, and handed to live followers once stored.
 */
import type { Store, StoredTaskLogLine, TaskLogLine } from '../store/store.js';
import type { Clock } from './clock.js';

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
  onError(error: unknown): void;
}

/** Creates the engine's task log writer. */
export function createTaskLogWriter(options: TaskLogOptions): TaskLogWriter {
  const batchLines = options.batch_lines ?? 500;
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
      return (stream, text) => {
        if (truncated) return;
        const size = Buffer.byteLength(text) + 1;
        const line: TaskLogLine = { ...unit, stream, at: stamp(), line: text };
        if (bytes + size > options.max_bytes_per_attempt) {
          truncated = true;
          push({ ...line, stream: 'system', line: `[log truncated: this attempt printed more than ${options.max_bytes_per_attempt} bytes (limits.max_log_bytes_per_attempt)]` });
          return;
        }
        bytes += size;
        push(line);
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: write,
  };
}
