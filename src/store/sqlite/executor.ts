import type { Database, Statement } from 'better-sqlite3';
import { HarmoniaError } from '../../core/errors.js';
import { toStoreError } from './sqlite-errors.js';
import type { WalSync } from './wal-sync.js';

function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** How a run's writes are made durable. */
export interface RunOptions {
  /**
   * False for rows whose loss on power failure costs little (task logs): their frames are
   * not synced now, and the next durable write syncs them too. @default true
   */
  durable?: boolean;
}

/**
 * Runs statements against the one SQLite connection. better-sqlite3 is synchronous,
 * so a statement runs to completion once started; what needs care is an async
 * transaction: while one is open, statements from other callers must wait for it,
 * or they would silently join (and roll back with) it. Errors leave as store errors
 * (see toStoreError), as they do from the PostgreSQL executor.
 */
export interface SqliteExecutor {
  run<T>(fn: (db: Database) => T, options?: RunOptions): Promise<T>;
}

export class SqliteGate {
  private active: Promise<void> | null = null;
  /** The connection's total_changes() when its log was last synced (or a write chose not to be). */
  private synced: number;
  private readonly totalChanges: Statement<[], number> | null;

  /** `sync`: the log's fsync off the event loop, when the connection itself does not sync (see wal-sync.ts). */
  constructor(
    private readonly db: Database,
    private readonly sync: WalSync | null = null,
  ) {
    this.totalChanges = sync === null ? null : db.prepare<[], number>('SELECT total_changes()').pluck();
    this.synced = this.totalChanges?.get() ?? 0;
  }

  /** The executor for callers outside any transaction. */
  readonly outside: SqliteExecutor = {
    run: async <T>(fn: (db: Database) => T, options?: RunOptions): Promise<T> => {
      while (this.active) await this.active;
      try {
        return mapped(() => fn(this.db));
      } finally {
        // Also after a failure: statements before it may have committed.
        if (this.totalChanges !== null && this.totalChanges.get() !== this.synced) {
          if (options?.durable === false) this.synced = this.totalChanges.get() as number;
          else await this.hold(() => this.makeDurable());
        }
      }
    },
  };

  /** The executor inside the open transaction: one object, so sessions built on it can be reused. */
  readonly inside: SqliteExecutor = { run: async (f) => mapped(() => f(this.db)) };

  /** Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, holding the gate until it settles (and is durable). */
  async transaction<T>(fn: (inside: SqliteExecutor) => Promise<T>): Promise<T> {
    while (this.active) await this.active;
    let release!: () => void;
    this.active = new Promise<void>((resolve) => (release = resolve));
    const inside = this.inside;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(inside);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw toStoreError(error);
      }
      await this.makeDurable();
      return result;
    } finally {
      this.active = null;
      release();
    }
  }

  /** Syncs the log when rows changed since it last was; statements wait meanwhile (the caller holds the gate). */
  private async makeDurable(): Promise<void> {
    if (this.sync === null || this.totalChanges === null) return;
    const total = this.totalChanges.get() as number;
    if (total === this.synced) return;
    try {
      await this.sync.flush();
    } catch (error) {
      throw new HarmoniaError('STORE_UNAVAILABLE', 'cannot sync the database\'s write-ahead log to disk; the last write may not survive a power loss', { cause: error });
    }
    this.synced = total;
  }

  private async hold(fn: () => Promise<void>): Promise<void> {
    let release!: () => void;
    this.active = new Promise<void>((resolve) => (release = resolve));
    try {
      await fn();
    } finally {
      this.active = null;
      release();
    }
  }
}
