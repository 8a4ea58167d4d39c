/**
 * Checkpoints of the write-ahead log on a worker thread. SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses 1,000 pages of log: it copies those pages into the
 * database and syncs both files, and better-sqlite3 being synchronous, the event loop
 * stops for it (up to 40 ms on this project's VM, half of all the time spent in COMMIT
 * under a load of new executions). Here a second connection, on a worker thread, runs a
 * PASSIVE checkpoint every few commits instead (it never blocks the writer), and the
 * store's own connection checkpoints only when that thread cannot run.
 *
 * The worker starts on the first nudge, so stores that write little (tests, CLI commands)
 * never start one.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** Durable commits between two checkpoints. */
const COMMITS_PER_CHECKPOINT = 16;

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

export interface Checkpointer {
  /** Counts a durable commit; every few, asks the worker for a checkpoint. */
  committed(): void;
  /** Resolves once no checkpoint asked for is still running. */
  settled(): Promise<void>;
  /** Stops the worker (before the store's connection closes, so that one can remove the log). */
  close(): Promise<void>;
}

/** The checkpointer of database `file`, whose connection is `db`. */
export function createCheckpointer(db: Database, file: string): Checkpointer {
  let worker: Worker | null = null;
  let failed = false;
  let busy = false;
  let commits = 0;
  let waiters: Array<() => void> = [];
  const idle = (): void => {
    busy = false;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const fallBack = (): void => {
    failed = true;
    worker = null;
    idle();
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };

  const start = (): Worker | null => {
    if (failed) return null;
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
      started.unref();
      started.on('message', idle);
      started.on('error', fallBack);
      started.on('exit', () => {
        if (worker === started) fallBack();
      });
      // Only now: until the worker runs, the connection keeps checkpointing itself.
      started.once('online', () => {
        if (worker === started && db.open) db.pragma('wal_autocheckpoint = 0');
      });
      return started;
    } catch {
      fallBack();
      return null;
    }
  };

  return {
    committed() {
      commits += 1;
      if (commits < COMMITS_PER_CHECKPOINT || busy || failed) return;
      worker ??= start();
      if (worker === null) return;
      commits = 0;
      busy = true;
      worker.postMessage('checkpoint');
    },
    settled() {
      return busy ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve();
    },
    async close() {
      const stopping = worker;
      worker = null;
      failed = true;
      if (stopping === null) return;
      const exited = new Promise<void>((resolve) => stopping.once('exit', () => resolve()));
      // Unreferenced, it would not keep the process alive until it has closed its connection.
      stopping.ref();
      stopping.postMessage('close');
      await exited;
      idle();
    },
  };
}
