/**
 * The fsync that makes a commit durable, run on libuv's thread pool instead of the event
 * loop. With `synchronous=FULL`, SQLite syncs the write-ahead log inside COMMIT, and
 * better-sqlite3 being synchronous, the whole process stops for it (about 4 ms a commit on
 * this project's VM, a third of the wall time under a load of new executions). The store
 * instead runs the connection at `synchronous=NORMAL` (frames written, not synced) and
 * syncs the log itself after each commit that changed rows, before the commit's caller
 * (and any other statement on the connection) goes on: the same durability, while the
 * event loop serves requests, decides steps and queues the next group of writes.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

export interface WalSync {
  /** Resolves once every frame written to the log so far is on disk. */
  flush(): Promise<void>;
  close(): void;
}

/** The sync of database `file`'s write-ahead log (`<file>-wal`). */
export function createWalSync(file: string): WalSync {
  const path = `${file}-wal`;
  let fd: number | null = null;
  let inode = -1;

  /** The log's descriptor; opened again if SQLite replaced the file since. */
  const current = (): number | null => {
    let now: number;
    try {
      now = statSync(path).ino;
    } catch (error) {
      // No log: SQLite checkpointed it into the database (syncing that) and removed it.
      if ((error as { code?: unknown }).code === 'ENOENT') return null;
      throw error;
    }
    if (fd !== null && now === inode) return fd;
    if (fd !== null) closeSync(fd);
    fd = openSync(path, 'r+');
    inode = fstatSync(fd).ino;
    return fd;
  };

  return {
    flush() {
      const descriptor = current();
      if (descriptor === null) return Promise.resolve();
      // fdatasync, as SQLite syncs its log on Linux: the data and the size needed to read it back.
      return new Promise<void>((resolve, reject) => fdatasync(descriptor, (error) => (error ? reject(error) : resolve())));
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
