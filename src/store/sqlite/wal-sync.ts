/**
 * The write-ahead log's fsync off the event loop. A transaction through the store's gate
 * commits at `synchronous=NORMAL`: COMMIT writes its frames to the `-wal` file and returns
 * without syncing it (https://sqlite.org/pragma.html#pragma_synchronous, "WAL mode
 * ... NORMAL"). Its caller is answered only once this module has fsynced that file through
 * its own descriptor on libuv's thread pool, so what the store acknowledges is as durable
 * as with `synchronous=FULL`, while the loop parses requests, answers reads and runs other
 * executions' steps during the 2–5 ms the disk takes.
 *
 * Why one fsync of the file is enough (SQLite's wal.c and unix VFS):
 * - a commit is its frames, the last one marked as the commit; recovery keeps every frame
 *   up to the last commit frame whose checksums hold, so once the file's pages are on disk
 *   every commit written before the fsync began survives, in order;
 * - when the log restarts (a writer finds it all copied into the database), SQLite writes
 *   the new header and syncs it before any frame behind it, at NORMAL too (`syncHeader`, the
 *   checkpoint's sync flags), on the loop, once per restart; and it restarts only once a
 *   checkpoint has copied every frame and synced the database file, so the commits in the
 *   old log are durable in the database whatever happens to its frames;
 * - a checkpoint (the worker's, the backstop, the writer's tail copy) syncs the log before
 *   copying it and the database after, at NORMAL as at FULL.
 *
 * Order: one fsync at a time. Commits that arrive while one runs wait for the next, which
 * covers all of them (an fsync covers every write made before it began), and their callers
 * are answered in commit order. Only one at a time because of how Linux reports a failed
 * write-back: once per descriptor, to whichever fsync asks first (errseq), so of two
 * overlapping fsyncs the later could succeed while the earlier one reported the loss of
 * pages both were to cover.
 *
 * A failed fsync is not retried (PostgreSQL's "fsyncgate": the kernel may have dropped the
 * dirty pages it could not write, so a later fsync succeeds on data that is gone). Every
 * commit it covered and every commit after it fails with STORE_SYNC_FAILED, and `onFailure`
 * makes the store refuse writes until the process restarts.
 */
import { closeSync, fstatSync, fsync as fsyncCallback, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { HarmoniaError } from '../../core/errors.js';

/** Flushes a file descriptor to disk; resolves when the kernel says it is durable. */
export type Fsync = (fd: number) => Promise<void>;

const fsyncOffLoop: Fsync = (fd) =>
  new Promise<void>((resolve, reject) => fsyncCallback(fd, (error) => (error ? reject(error) : resolve())));

export interface WalSyncOptions {
  /** The database file; its log is `${file}-wal`, which must exist (the connection is in WAL mode). */
  file: string;
  /** @default node:fs's fsync, on libuv's thread pool */
  fsync?: Fsync;
  /** Called once, with the error every later commit gets, when an fsync fails. */
  onFailure?: (error: HarmoniaError) => void;
}

export interface WalSync {
  /**
   * Resolves once every commit made so far is on disk; call it right after COMMIT. Rejects
   * with STORE_SYNC_FAILED when the fsync that covers it failed, or one before it did.
   */
  durable(): Promise<void>;
  /** The failure every write gets from now on; null while the log syncs. */
  failure(): HarmoniaError | null;
  /** Waits for the fsyncs asked for, then closes the descriptor. */
  close(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Syncs directory `dir` (a file's name in it is durable only then). Not on Windows, where
 * a directory cannot be opened and NTFS journals names itself.
 */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the log of `options.file` and syncs it, the database file and their folder once, on
 * the loop: whatever an earlier process left in the page cache unsynced (a crash of that
 * process, not of the machine, keeps it readable) is durable before this one acts on it.
 * Null when this process may not write the log (then it writes nothing either).
 */
export function createWalSync(options: WalSyncOptions): WalSync | null {
  const fsync = options.fsync ?? fsyncOffLoop;
  const path = `${options.file}-wal`;
  let fd: number | null;
  try {
    // For writing: Windows flushes only a handle open for writing.
    fd = openSync(path, 'r+');
  } catch (error) {
    // A database this process may only read (another user's, a read-only mount) has nothing to sync.
    if (['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
  try {
    fsyncSync(fd);
    const db = openSync(options.file, 'r+');
    try {
      fsyncSync(db);
    } finally {
      closeSync(db);
    }
    syncDirectory(dirname(path));
  } catch (error) {
    closeSync(fd);
    throw error;
  }

  let failed: HarmoniaError | null = null;
  /** Commits waiting for the next fsync. */
  let waiting: Waiter[] = [];
  /** The fsync under way, if any. */
  let flight: Promise<void> | null = null;

  const fail = (cause: unknown, covered: readonly Waiter[]): void => {
    if (failed === null) {
      failed = new HarmoniaError(
        'STORE_SYNC_FAILED',
        `the database's log '${path}' could not be synced to disk (${String((cause as Error)?.message ?? cause)}); writes are refused until the server restarts`,
        { cause },
      );
      options.onFailure?.(failed);
    }
    const rest = waiting;
    waiting = [];
    for (const waiter of covered) waiter.reject(failed);
    for (const waiter of rest) waiter.reject(failed);
  };

  const start = (): void => {
    const covered = waiting;
    waiting = [];
    const target = fd;
    const run = (async (): Promise<void> => {
      try {
        if (target === null) throw new Error('the log was closed');
        // SQLite never replaces the log while a connection is open; should it be gone anyway,
        // an fsync of the unlinked file would say nothing about the new one.
        if (fstatSync(target).nlink === 0) throw new Error(`'${path}' was removed while the store had it open`);
        await fsync(target);
      } catch (error) {
        fail(error, covered);
        return;
      }
      for (const waiter of covered) waiter.resolve();
    })();
    flight = run.then(() => {
      flight = null;
      if (waiting.length > 0 && failed === null) start();
    });
  };

  return {
    durable() {
      if (failed !== null) return Promise.reject(failed);
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (flight === null) start();
      });
    },
    failure: () => failed,
    async close() {
      while (flight !== null) await flight;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
