import type { Pool } from 'pg';
import { HarmoniaError } from '../../core/errors.js';
import { POSTGRES_MIGRATIONS, type PgMigration } from './migrations/index.js';
import { inTransaction } from './executor.js';

/** Schema names we accept: plain lower-case identifiers, so they never need quoting. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies every migration the database has not recorded in schema_migrations, in one
 * transaction under an advisory lock: nodes starting together wait for the first one
 * and then find nothing left to do. Creates `schema` first when it is given.
 * Returns the versions applied by this call.
 */
export async function migratePostgres(
  pool: Pool,
  schema: string | null,
  migrations: readonly PgMigration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid postgres schema '${schema}'; expected a lower-case identifier such as 'harmonia'`);
  }
  let current: PgMigration | undefined;
  try {
    return await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`harmonia:migrate:${schema ?? ''}`]);
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
      );
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        current = migration;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.version);
      }
      current = undefined;
      return applied;
    });
  } catch (error) {
    // An unreachable database stays STORE_UNAVAILABLE; any statement failing is the migration's fault.
    if (error instanceof HarmoniaError && error.code === 'STORE_UNAVAILABLE') throw error;
    const cause = error instanceof HarmoniaError && error.cause !== undefined ? error.cause : error;
    const what = current ? `migration ${current.version} (${current.name})` : 'preparing migrations';
    throw new HarmoniaError('STORE_MIGRATION_FAILED', `${what} failed: ${(cause as Error).message}`, { cause });
  }
}
