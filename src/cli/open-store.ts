import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { HarmoniaError } from '../core/errors.js';
import type { Store } from '../store/store.js';

/**
 * Opens the configured store. The driver is imported here, on demand, so commands
 * that need no store (validate, config) never load it.
 */
export async function openStore(config: ResolvedConfig, cwd: string): Promise<Store> {
  if (config.store.kind === 'postgres') {
    throw new HarmoniaError('CONFIG_INVALID', 'HARMONIA_DB_URL names PostgreSQL, which this CLI cannot open yet; unset it to use SQLite', {
      details: { variable: 'HARMONIA_DB_URL' },
    });
  }
  const { createSqliteStore } = await import('../store/sqlite/sqlite-store.js');
  return createSqliteStore({ file: resolve(cwd, config.store.file) });
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
