import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config.js';
import type { Store } from '../store/store.js';

/**
 * Opens the configured store (SQLite by default, PostgreSQL when HARMONIA_DB_URL names
 * it). The store module is imported here, on demand, so commands that need no store
 * (validate, config) never load a database driver.
 */
export async function openStore(config: ResolvedConfig, cwd: string): Promise<Store> {
  const { createStore } = await import('../store/create-store.js');
  if (config.store.kind === 'postgres') return createStore({ db_url: config.store.url, data_dir: resolve(cwd, config.data_dir), pool_size: config.pg_pool_size, pool_wait_ms: config.pg_pool_wait_ms });
  return createStore({ db_url: `sqlite:${resolve(cwd, config.store.file)}`, data_dir: resolve(cwd, config.data_dir), cwd, sync_off_loop: config.sqlite_sync_off_loop });
}

/** Runs `fn` with an open store and closes it afterwards, whatever happens. */
export async function withStore<T>(config: ResolvedConfig, cwd: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config, cwd);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
