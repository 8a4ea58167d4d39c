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
  /**
   * `fn` now, synchronously, when `run` would not have to wait (no transaction open on the
   * connection); `busy` otherwise. For reads on a request's hot path, where a promise per
   * statement is most of the cost.
   */
  runNow<T, B>(fn: (db: Database) => T, busy: B): T | B;
  /**
   * Runs `fn` as one write: outside a transaction, in a synchronous BEGIN IMMEDIATE ...
   * COMMIT of its own (nothing else runs between its statements, no promise per statement);
   * inside the open transaction, as part of it.
   */
  write<T>(fn: (db: Database) => T): Promise<T>;
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
   * With it, a transaction run with `offLoop` commits at synchronous=NORMAL and resolves
   * only once `sync` has fsynced the log off the event loop (see wal-sync.ts); the connection
   * is at FULL otherwise, so every other write still syncs itself. Without it, every commit
   * syncs as the connection's `synchronous` says.
   */
  sync?: WalSync;
}

export class SqliteGate {
  private active: Promise<void> | null = null;
  /** The last answer still waiting for its fsync, settled either way (for ordering only). */
  private unacknowledged: Promise<void> | null = null;
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
    runNow: <T, B>(fn: (db: Database) => T, busy: B): T | B => (this.active ? busy : mapped(() => fn(this.db), this.sync)),
    write: async <T>(fn: (db: Database) => T): Promise<T> => {
      for (let wait = this.blocked(); wait !== undefined; wait = this.blocked()) await wait;
      return this.commit(fn);
    },
  };

  /** The executor inside the open transaction: one object, so sessions built on it can be reused. */
  readonly inside: SqliteExecutor = {
    run: async (f) => mapped(() => f(this.db), this.sync),
    runNow: (f) => mapped(() => f(this.db), this.sync),
    write: async (f) => mapped(() => f(this.db), this.sync),
  };

  /**
   * Undefined when a transaction may begin now (none open, the checkpointer not copying),
   * else what to wait for before asking again: the caller must begin in the same turn.
   */
  private blocked(): Promise<void> | undefined {
    return this.active ?? this.writable();
  }

  /**
   * `fn` in BEGIN IMMEDIATE ... COMMIT, synchronously: nothing can join it, so the gate is
   * not held. Its COMMIT syncs the log itself; it is still answered after earlier commits
   * whose fsync is under way off the loop (and fails if theirs failed).
   */
  private async commit<T>(fn: (db: Database) => T): Promise<T> {
    const sync = this.sync;
    const failure = sync?.failure();
    if (failure) throw failure;
    let result: T;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      result = fn(this.db);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const failed = sync?.failure();
      if (failed && (error as { code?: unknown } | null)?.code === 'SQLITE_READONLY') throw failed;
      throw toStoreError(error);
    }
    this.committed();
    if (sync && this.unacknowledged) await this.after(sync, this.unacknowledged);
    return result;
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, holding the gate until COMMIT. With
   * `offLoop` and a WalSync, the COMMIT does not sync and the transaction resolves once the
   * WalSync's fsync covering it returned; the next transaction may run its statements
   * meanwhile. Otherwise the COMMIT syncs the log itself (synchronous=FULL). Either way,
   * transactions resolve in the order they committed: one that synced in its COMMIT still
   * waits for the answers of earlier ones whose fsync is under way.
   */
  async transaction<T>(fn: (inside: SqliteExecutor) => Promise<T>, offLoop = false): Promise<T> {
    for (let wait = this.blocked(); wait !== undefined; wait = this.blocked()) await wait;
    const sync = this.sync;
    const failure = sync?.failure();
    if (failure) throw failure;
    const relaxed = offLoop && sync !== undefined;
    let release!: () => void;
    this.active = new Promise<void>((resolve) => (release = resolve));
    const inside = this.inside;
    let result: T;
    let acknowledged: Promise<void> | null = null;
    try {
      // Only outside a transaction may the safety level change (SQLite refuses it inside);
      // exec, not a prepared statement: SQLite applies this pragma when it is prepared.
      if (relaxed) this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('BEGIN IMMEDIATE');
      try {
        result = await fn(inside);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw toStoreError(error);
      }
      this.committed();
      if (relaxed) acknowledged = this.acknowledge(sync.durable());
      else if (sync && this.unacknowledged) acknowledged = this.after(sync, this.unacknowledged);
    } finally {
      if (relaxed && !this.db.inTransaction) this.db.exec('PRAGMA synchronous = FULL');
      this.active = null;
      release();
    }
    if (acknowledged) await acknowledged;
    return result;
  }

  /**
   * Resolves once every commit made so far is on disk (at once when none waits for its
   * fsync); rejects with STORE_SYNC_FAILED when one of them could not be synced.
   */
  async durable(): Promise<void> {
    const sync = this.sync;
    if (sync === undefined) return;
    if (this.unacknowledged) await this.unacknowledged;
    const failure = sync.failure();
    if (failure) throw failure;
  }

  private acknowledge(durable: Promise<void>): Promise<void> {
    const settled = durable.then(
      () => undefined,
      () => undefined,
    );
    this.unacknowledged = settled;
    void settled.then(() => {
      if (this.unacknowledged === settled) this.unacknowledged = null;
    });
    return durable;
  }

  /** A commit synced in its COMMIT, answered after the earlier ones (and failed if their fsync failed). */
  private async after(sync: WalSync, earlier: Promise<void>): Promise<void> {
    await earlier;
    const failure = sync.failure();
    if (failure) throw failure;
  }
}
