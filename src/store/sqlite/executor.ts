import type { Database } from 'better-sqlite3';
import { toStoreError } from './sqlite-errors.js';

function mapped<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
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
   * Runs `fn` as one write: outside a transaction, in a synchronous BEGIN IMMEDIATE ...
   * COMMIT of its own (nothing else runs between its statements, no promise per statement);
   * inside the open transaction, as part of it.
   */
  write<T>(fn: (db: Database) => T): Promise<T>;
}

export class SqliteGate {
  private active: Promise<void> | null = null;

  /**
   * `committed` runs after each transaction's COMMIT (the checkpointer counts them);
   * `writable`, before each BEGIN, may give a promise to wait for first (the checkpointer
   * copying the log's tail).
   */
  constructor(
    private readonly db: Database,
    private readonly committed: () => void = () => undefined,
    private readonly writable: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** The executor for callers outside any transaction. */
  readonly outside: SqliteExecutor = {
    run: async <T>(fn: (db: Database) => T): Promise<T> => {
      while (this.active) await this.active;
      return mapped(() => fn(this.db));
    },
    write: async <T>(fn: (db: Database) => T): Promise<T> => {
      for (let wait = this.blocked(); wait !== undefined; wait = this.blocked()) await wait;
      return this.commit(fn);
    },
  };

  /** The executor inside the open transaction: one object, so sessions built on it can be reused. */
  readonly inside: SqliteExecutor = { run: async (f) => mapped(() => f(this.db)), write: async (f) => mapped(() => f(this.db)) };

  /**
   * Undefined when a transaction may begin now (none open, the checkpointer not copying),
   * else what to wait for before asking again: the caller must begin in the same turn.
   */
  private blocked(): Promise<void> | undefined {
    return this.active ?? this.writable();
  }

  /** `fn` in BEGIN IMMEDIATE ... COMMIT, synchronously: nothing can join it, so the gate is not held. */
  private commit<T>(fn: (db: Database) => T): T {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const result = fn(this.db);
      this.db.exec('COMMIT');
      this.committed();
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw toStoreError(error);
    }
  }

  /** Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, holding the gate until it settles. */
  async transaction<T>(fn: (inside: SqliteExecutor) => Promise<T>): Promise<T> {
    for (let wait = this.blocked(); wait !== undefined; wait = this.blocked()) await wait;
    let release!: () => void;
    this.active = new Promise<void>((resolve) => (release = resolve));
    const inside = this.inside;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(inside);
        this.db.exec('COMMIT');
        this.committed();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw toStoreError(error);
      }
    } finally {
      this.active = null;
      release();
    }
  }
}
