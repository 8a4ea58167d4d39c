/**
 * Checkpoints of the write-ahead log on a worker thread. SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses 1,000 pages of log: it copies those pages into the
 * database and syncs both files, and better-sqlite3 being synchronous, the event loop
 * stops for it (40–90 ms on this project's VM: the p99 of a busy API). Here a second
 * connection, on a worker thread, runs a PASSIVE checkpoint (it never blocks the writer)
 * once CHECKPOINT_PAGES pages of log wait to be copied, as SQLite's own rule would, read
 * from the wal-index after a commit (after every commit near CHECKPOINT_PAGES, every few
 * while the log is far below it: MAX_UNREAD_COMMITS). (A time-based rule, every 100 ms, was tried: with
 * small commits, as an execution's chain of steps makes, it checkpointed ten times as
 * often, and the checkpoints' fsyncs slowed the loop's.) Only the checkpoint moves here: a
 * step's COMMIT still syncs its log on the event loop (synchronous=FULL), costing no thread
 * hop; the commits that create executions sync the log on libuv's thread pool instead
 * (wal-sync.ts). A checkpoint syncs the log before it copies it, so a frame it copies that
 * wal-sync has not synced yet is durable before the database holds it.
 *
 * A PASSIVE checkpoint copies what was committed when it began; the log starts afresh only
 * when a write finds all of it copied. Under a steady stream of commits that can take a
 * while, so the store's own connection keeps an automatic checkpoint as a backstop, at
 * BACKSTOP_PAGES: by then the worker has copied nearly everything, and the backstop only
 * copies the rest and lets the log restart.
 *
 * Under a steady stream of commits no PASSIVE checkpoint copies the whole log (commits land
 * while it runs), so the log would never restart before the backstop: it grew to 10,000
 * pages (40 MB), every commit's fsync also extending the file, which made commits dearer
 * than with SQLite's own checkpoint (bench/engine.mjs, a fresh database). So once the log
 * is CHECKPOINT_PAGES long, the worker is asked again whenever it is idle until at most
 * TAIL_PAGES are left; then the worker copies those few while the store's next transaction
 * waits for it (`writable`; the event loop goes on: reading requests, answering reads), and
 * that transaction restarts the log. The writer used to copy the tail itself, on the loop:
 * a page copy and two fsyncs that stopped everything for 2–7 ms, 13–35 ms on a loaded box,
 * the longest slices a busy API's requests waited behind (docs/performance.md, "Sixth
 * round"). Should writes outside transactions (task logs) land during that copy so that a
 * tail is left, the writer copies it itself the next time, as before.
 *
 * The worker starts on the first commit past STARTUP_COMMITS, so stores that write little
 * (tests, CLI commands) never start one.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** Log pages not yet copied into the database that make a checkpoint due: SQLite's own default. */
export const CHECKPOINT_PAGES = 1_000;
/** Pages left for the writer to copy itself (a short stop: a few page writes and the database's fsync). */
export const TAIL_PAGES = 256;
/** Commits before the worker starts. */
const STARTUP_COMMITS = 16;
/** The store connection's own automatic checkpoint, once the worker runs (SQLite's default is 1,000). */
export const BACKSTOP_PAGES = 10_000;
/**
 * The most commits between two reads of the wal-index while the log is far below
 * CHECKPOINT_PAGES. Each read is a `pread` and its JavaScript (~5,000 instructions and a
 * system call a commit, docs/performance.md "h-wide"); the log's length only matters near
 * CHECKPOINT_PAGES.
 */
export const MAX_UNREAD_COMMITS = 16;

// CommonJS, evaluated: no file to resolve next to this module (tests run it from src/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // a busy or locked database: the next nudge tries again
  }
  parentPort.postMessage('done');
});
`;

/**
 * The log's pages not yet copied into the database, from the wal-index (the `-shm` file,
 * https://sqlite.org/walformat.html): the header's mxFrame (offset 16) less the checkpoint
 * info's nBackfill (offset 96), both native-endian. One pread instead of a checkpoint call.
 * Returns the log's length and its pages not yet copied.
 */
function logPages(fd: number, buffer: Buffer): { frames: number; uncopied: number } {
  if (readSync(fd, buffer, 0, 100, 0) < 100) return { frames: 0, uncopied: 0 };
  const little = endianness() === 'LE';
  const mxFrame = little ? buffer.readUInt32LE(16) : buffer.readUInt32BE(16);
  const nBackfill = little ? buffer.readUInt32LE(96) : buffer.readUInt32BE(96);
  return { frames: mxFrame, uncopied: mxFrame > nBackfill ? mxFrame - nBackfill : 0 };
}

export interface Checkpointer {
  /** Counts a commit that wrote; asks the worker for a checkpoint when one is due. */
  committed(): void;
  /** Resolves once no checkpoint asked for is still running. */
  settled(): Promise<void>;
  /**
   * While the worker copies the log's tail, a promise the store's next transaction waits for
   * before it begins (so that no frame lands behind the copy and the transaction can restart
   * the log); undefined otherwise.
   */
  writable(): Promise<void> | undefined;
  /** Stops the worker (before the store's connection closes, so that one can remove the log). */
  close(): Promise<void>;
}

/** The checkpointer of database `file`, whose connection is `db` (in WAL mode). */
export function createCheckpointer(db: Database, file: string): Checkpointer {
  let worker: Worker | null = null;
  let failed = false;
  let busy = false;
  /** The worker is copying the tail: transactions wait (see writable). */
  let holding = false;
  /** The last tail went to the worker: if a tail is found again, the writer copies it itself. */
  let tailAsked = false;
  let commits = 0;
  /** Commits still to count before the wal-index is read again (see due). */
  let unread = 0;
  /** The commit count and log length at the last read, and the most frames a commit added on average between two reads. */
  let readAt = 0;
  let framesAt = 0;
  let stride = 1;
  let shm: number | null = null;
  const header = Buffer.alloc(100);
  let waiters: Array<() => void> = [];
  const idle = (): void => {
    busy = false;
    holding = false;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const fallBack = (): void => {
    failed = true;
    worker = null;
    if (shm !== null) closeSync(shm);
    shm = null;
    idle();
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };

  const start = (): Worker | null => {
    try {
      shm = openSync(`${file}-shm`, 'r');
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
      started.unref();
      started.on('message', idle);
      started.on('error', fallBack);
      started.on('exit', () => {
        if (worker === started) fallBack();
      });
      // Only now: until the worker runs, the connection checkpoints itself as usual.
      started.once('online', () => {
        if (worker === started && db.open) db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      });
      return started;
    } catch {
      fallBack();
      return null;
    }
  };

  return {
    committed() {
      if (failed) return;
      commits += 1;
      if (commits < STARTUP_COMMITS || busy) return;
      if (unread > 0) {
        unread -= 1;
        return;
      }
      worker ??= start();
      if (worker === null || shm === null) return;
      let log: { frames: number; uncopied: number };
      try {
        log = logPages(shm, header);
      } catch {
        fallBack();
        return;
      }
      // Skipped reads are bounded twice: at the stride seen so far the log reaches at most
      // half-way to CHECKPOINT_PAGES before the next read, and never more than
      // MAX_UNREAD_COMMITS commits go unread (a commit much larger than the ones before it
      // delays a checkpoint by at most that many commits).
      if (log.frames >= framesAt && commits > readAt) stride = Math.max(stride, Math.ceil((log.frames - framesAt) / (commits - readAt)));
      readAt = commits;
      framesAt = log.frames;
      unread = log.frames < CHECKPOINT_PAGES ? Math.min(MAX_UNREAD_COMMITS, Math.floor((CHECKPOINT_PAGES - log.frames) / (2 * stride))) : 0;
      if (log.frames < CHECKPOINT_PAGES) tailAsked = false;
      if (log.uncopied === 0 || log.frames < CHECKPOINT_PAGES) return;
      const tail = log.uncopied <= TAIL_PAGES && log.uncopied < log.frames;
      if (tail && tailAsked) {
        tailAsked = false;
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
        } catch {
          // busy or locked: a later commit tries again
        }
        return;
      }
      tailAsked = tail;
      holding = tail;
      busy = true;
      worker.postMessage('checkpoint');
    },
    settled() {
      return busy ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve();
    },
    writable() {
      return holding ? new Promise<void>((resolve) => waiters.push(resolve)) : undefined;
    },
    async close() {
      const stopping = worker;
      worker = null;
      failed = true;
      if (shm !== null) closeSync(shm);
      shm = null;
      if (stopping === null) return;
      // Unreferenced, it would not keep the process alive until it has closed its connection.
      stopping.ref();
      const exited = new Promise<void>((resolve) => stopping.once('exit', () => resolve()));
      stopping.postMessage('close');
      await exited;
      idle();
    },
  };
}
