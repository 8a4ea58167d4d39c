import type { Database } from 'better-sqlite3';
import { toStoreError } from './sqlite-errors.js';
import type { WalSync } from './wal-sync.js';

function mapped<T>(fn: () => T, sync: WalSync | undefined): T {
  try {
    return fn();
  } catch (error) {
    // After a failed fsync the connection is query_only: say why a write was refused.
    const failure = sync?.failure();
    if (failure && (error as { code?: unknown } | null)?.code === 'SQLITE_READONLY') throw failure;
    throw toStoreError(error);
  }
}

/**
 * Runs statements against the one SQLite connection. better-sqlite3 is synchronous,
 * so a statement runs to completion once started; what needs care is an async
 * transaction: while one is open, statements from other callers must wait for it,
 * or they would silently join (and roll back with) it. Errors leave as store errors
 * (see toStoreError), as they do from the PostgreSQL executor.
 */
export interface SqliteExecutor {
  run<T>(fn: (db: Database) => T): Promise<T>;
}

export interface SqliteGateHooks {
  /** Runs after each transaction's COMMIT (the checkpointer counts them). */
  committed?: () => void;
  /**
   * Runs before each BEGIN; may give a promise to wait for first (the checkpointer copying
   * the log's tail).
   */
  writable?: () => Promise<void> | undefined;
  /**
   * With it, a transaction commits at synchronous=NORMAL and resolves only once `sync` has
   * fsynced the log off the event loop (see wal-sync.ts); the connection is at FULL
   * otherwise, so a write outside a transaction still syncs itself. Without it, every
   * commit syncs as the connection's `synchronous` says.
   */
  sync?: WalSync;
}

export class SqliteGate {
  private active: Promise<void> | null = null;
  private readonly committed: () => void;
  private readonly writable: () => Promise<void> | undefined;
  private readonly sync: WalSync | undefined;

  constructor(
    private readonly db: Database,
    hooks: SqliteGateHooks = {},
  ) {
    this.committed = hooks.committed ?? (() => undefined);
    this.writable = hooks.writable ?? (() => undefined);
    this.sync = hooks.sync;
  }

  /** The executor for callers outside any transaction. */
  readonly outside: SqliteExecutor = {
    run: async <T>(fn: (db: Database) => T): Promise<T> => {
      while (this.active) await this.active;
      return mapped(() => fn(this.db), this.sync);
    },
  };

  /** The executor inside the open transaction: one object, so sessions built on it can be reused. */
  readonly inside: SqliteExecutor = { run: async (f) => mapped(() => f(this.db), this.sync) };

  /**
   * Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, holding the gate until COMMIT. With a
   * WalSync it resolves only once the commit is on disk: the next transaction may run its
   * statements meanwhile (its own answer waits for its own fsync, after this one's).
   */
  async transaction<T>(fn: (inside: SqliteExecutor) => Promise<T>): Promise<T> {
    for (;;) {
      while (this.active) await this.active;
      const hold = this.writable();
      if (hold === undefined) break;
      await hold;
    }
    const sync = this.sync;
    const failure = sync?.failure();
    if (failure) throw failure;
    let release!: () => void;
    this.active = new Promise<void>((resolve) => (release = resolve));
    const inside = this.inside;
    let result: T;
    let durable: Promise<void> | undefined;
    try {
      // Only outside a transaction may the safety level change (SQLite refuses it inside).
      // exec, not a prepared statement: SQLite applies this pragma when it is prepared.
      if (sync) this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('BEGIN IMMEDIATE');
      try {
        result = await fn(inside);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw toStoreError(error);
      }
      this.committed();
      durable = sync?.durable();
    } finally {
      if (sync && !this.db.inTransaction) this.db.exec('PRAGMA synchronous = FULL');
      this.active = null;
      release();
    }
    if (durable) await durable;
    return result;
  }
}
