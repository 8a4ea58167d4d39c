import { join, resolve } from 'node:path';
import { HarmoniaError } from '../core/errors.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';

export interface CreateStoreOptions {
  /**
   * `postgres://user:password@host:port/database` for PostgreSQL, `sqlite:PATH` for a
   * SQLite file elsewhere; unset means SQLite at `<data_dir>/harmonia.db`. @default null
   */
  db_url?: string | null;
  /** Where the embedded database lives when db_url is unset. */
  data_dir: string;
  /** Relative SQLite paths resolve against this folder. @default process's working directory */
  cwd?: string;
  /** SQLite only: `FULL` survives power loss, `NORMAL` a process crash. @default 'FULL' */
  synchronous?: 'FULL' | 'NORMAL';
  /** SQLite only: the commits that start executions sync the log off the event loop. @default true */
  sync_off_loop?: boolean;
  /** PostgreSQL only: the schema holding Harmonia's tables. @default the server's search_path */
  schema?: string;
  /** PostgreSQL only: connections for statements (held ones are opened besides them). @default 10 */
  pool_size?: number;
  /** PostgreSQL only: longest wait for a free connection of the pool. @default 30000 */
  pool_wait_ms?: number;
  /** PostgreSQL only: told about errors of idle connections. @default ignored */
  on_error?: (error: Error) => void;
}

/**
 * Opens the store a configuration names: SQLite (the embedded default) or PostgreSQL
 * (several nodes). Each driver is imported only when chosen, so a SQLite install never
 * loads `pg`. Throws CONFIG_INVALID for a db_url that is neither.
 * @example
 * const store = await createStore({ db_url: config.db_url, data_dir: config.data_dir });
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const url = options.db_url ?? null;
  if (url !== null && /^postgres(ql)?:\/\//i.test(url)) {
    const { createPostgresStore } = await import('./postgres/postgres-store.js');
    return createPostgresStore({
      url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.pool_size === undefined ? {} : { pool_size: options.pool_size }),
      ...(options.pool_wait_ms === undefined ? {} : { pool_wait_ms: options.pool_wait_ms }),
      ...(options.on_error === undefined ? {} : { on_error: options.on_error }),
    });
  }
  let file = join(options.data_dir, 'harmonia.db');
  if (url !== null) {
    const path = /^sqlite:(\/\/)?(.+)$/i.exec(url)?.[2];
    if (path === undefined) {
      const shown = url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:********@');
      throw new HarmoniaError('CONFIG_INVALID', `invalid database url '${shown}'; expected postgres://user:password@host/db or sqlite:PATH`);
    }
    file = path;
  }
  const { createSqliteStore } = await import('./sqlite/sqlite-store.js');
  return createSqliteStore({
    file: file === ':memory:' ? file : resolve(options.cwd ?? '.', file),
    ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
    ...(options.sync_off_loop === undefined ? {} : { sync_off_loop: options.sync_off_loop }),
  });
}

/** Narrows a store to the PostgreSQL one, whose pool createNotifier() and tryLeadership() need. */
export function isPostgresStore(store: Store): store is PostgresStore {
  return store.backend === 'postgres' && 'pool' in store;
}
