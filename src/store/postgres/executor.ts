import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { HarmoniaError } from '../../core/errors.js';
import { isConnectionError, toStoreError } from './pg-errors.js';

/** Runs one statement and returns its rows. */
export type Query = <R extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]) => Promise<R[]>;

/**
 * Where a repository's statements run: on the pool (each call autocommits) or on the
 * one client of an open transaction. Errors leave as store errors (see toStoreError);
 * a repository that wants a more precise message catches the driver error inside `fn`.
 */
export interface PgExecutor {
  /** Reads. */
  read<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /**
   * Writes that must land together. Outside a transaction they get their own; inside
   * one they run under a savepoint, so a failed write (a conflict the caller catches)
   * leaves the transaction usable, as it is on SQLite.
   */
  atomic<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** One write statement: no transaction of its own outside, a savepoint inside. */
  write<T>(fn: (query: Query) => Promise<T>): Promise<T>;
}

function queryOn(target: Pool | PoolClient): Query {
  return async <R extends QueryResultRow>(sql: string, params: readonly unknown[] = []) =>
    (await target.query<R>(sql, params as unknown[])).rows;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toStoreError(error);
  }
}

function ignoreClientError(): void {
  // The failing query rejects with the same error; without a listener the emitter would crash the process.
}

/**
 * Takes a client from the pool for `fn`. `fn` calls `discard` when the client may be left
 * in a bad state (a failed ROLLBACK), so it is destroyed rather than reused.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient, discard: (why: Error) => void) => Promise<T>): Promise<T> {
  const client = await mapped(() => pool.connect());
  client.on('error', ignoreClientError);
  let broken: Error | undefined;
  try {
    return await fn(client, (why) => {
      broken = why;
    });
  } catch (error) {
    if (isConnectionError(error)) broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.removeListener('error', ignoreClientError);
    client.release(broken);
  }
}

/** Runs `fn` in BEGIN ... COMMIT on one client of the pool; ROLLBACK when it throws. */
export function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return mapped(() =>
    withClient(pool, async (client, discard) => {
      await client.query('BEGIN');
      let result: T;
      try {
        result = await fn(client);
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          discard(rollbackError instanceof Error ? rollbackError : new Error('rollback failed'));
        });
        throw error;
      }
      await client.query('COMMIT');
      return result;
    }),
  );
}

/** The executor for callers outside any transaction. */
export function createPoolExecutor(pool: Pool): PgExecutor {
  const query = queryOn(pool);
  return {
    read: (fn) => mapped(() => fn(query)),
    write: (fn) => mapped(() => fn(query)),
    atomic: (fn) => inTransaction(pool, (client) => fn(queryOn(client))),
  };
}

/** The executor bound to an open transaction; `end()` makes later use an error. */
export interface TransactionExecutor extends PgExecutor {
  end(): void;
}

/**
 * Binds an executor to the client of an open transaction. Calls are serialised: a
 * session used from concurrent promises must not interleave one call's statements
 * with another's savepoint. With `savepoints: false` writes run bare: a failed write
 * aborts the transaction, which saves two round trips per write for callers that
 * give the whole transaction up on any error (the engine's group commit).
 */
export function createTransactionExecutor(client: PoolClient, options: { savepoints?: boolean } = {}): TransactionExecutor {
  const query = queryOn(client);
  let tail: Promise<unknown> = Promise.resolve();
  let ended = false;

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    if (ended) {
      return Promise.reject(new HarmoniaError('INTERNAL', 'a transaction session was used after its transaction ended'));
    }
    const run = tail.then(() => mapped(fn));
    tail = run.catch(() => undefined);
    return run;
  };

  const savepoint = <T>(fn: (q: Query) => Promise<T>): Promise<T> =>
    serial(async () => {
      await client.query('SAVEPOINT harmonia_write');
      try {
        const result = await fn(query);
        await client.query('RELEASE SAVEPOINT harmonia_write');
        return result;
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT harmonia_write; RELEASE SAVEPOINT harmonia_write').catch(() => undefined);
        throw error;
      }
    });

  const bare = <T>(fn: (q: Query) => Promise<T>): Promise<T> => serial(() => fn(query));
  const guarded = options.savepoints === false ? bare : savepoint;
  return {
    read: bare,
    write: guarded,
    atomic: guarded,
    end: () => {
      ended = true;
    },
  };
}
