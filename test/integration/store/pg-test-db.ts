/**
 * PostgreSQL for integration tests. Every test file gets its own schema, created on
 * first use and dropped after the file, so files run in parallel without meeting;
 * `makeStore` empties the schema's tables so every test starts from nothing.
 * Tests run only when HARMONIA_TEST_DATABASE_URL is set; otherwise their describe
 * block is skipped under a name that says so.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../../src/store/postgres/postgres-store.js';

/** The database the PostgreSQL tests use, or undefined to skip them. */
export const TEST_DATABASE_URL: string | undefined = process.env['HARMONIA_TEST_DATABASE_URL'] || undefined;

/** The describe name of a PostgreSQL suite: says plainly when it is skipped. */
export function pgSuiteName(what: string): string {
  return TEST_DATABASE_URL ? `postgres: ${what}` : `postgres: ${what} (skipped: set HARMONIA_TEST_DATABASE_URL)`;
}

/** A fresh schema name such as test_3fa9c2e41b07. */
export function randomSchemaName(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

/** Deletes every row but schema_migrations', children before parents (DELETE is far quicker than TRUNCATE here). */
async function emptyTables(admin: pg.Pool, schema: string): Promise<void> {
  const tables = (
    await admin.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
      [schema],
    )
  ).rows.map((row) => row.name);
  const references = (
    await admin.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype = 'f' AND n.nspname = $1 AND c.relname <> p.relname`,
      [schema],
    )
  ).rows;
  const ordered: string[] = [];
  const pending = new Set(tables);
  while (pending.size > 0) {
    // A table goes once nothing still pending refers to it.
    const free = [...pending].filter((table) => !references.some((r) => r.parent === table && pending.has(r.child)));
    if (free.length === 0) throw new Error(`cyclic foreign keys among ${[...pending].join(', ')}`);
    for (const table of free) {
      ordered.push(table);
      pending.delete(table);
    }
  }
  await admin.query(ordered.map((table) => `DELETE FROM "${table}";`).join('\n'));
}

export interface TestSchema {
  readonly url: string;
  readonly schema: string;
  /** Opens a store on the schema (migrating it if needed) without emptying it: a second "node". */
  openStore(options?: Partial<PostgresStoreOptions>): Promise<PostgresStore>;
  /** Empties every table of the schema, then opens a store on it. */
  makeStore(): Promise<PostgresStore>;
  /** A pool on the schema for direct SQL in assertions. */
  readonly admin: pg.Pool;
}

/**
 * Call at the top of a describe guarded by `describe.skipIf(!TEST_DATABASE_URL)`:
 * registers the afterAll that closes the pools and drops the schema. The schema itself
 * is created by the first store opened. vitest still collects a skipped describe, so
 * without a URL this returns a schema nobody will use.
 */
export function usePgSchema(): TestSchema {
  const url = TEST_DATABASE_URL ?? 'postgres://unset.invalid/unset';
  const schema = randomSchemaName();
  const admin = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  const opened: PostgresStore[] = [];

  afterAll(async () => {
    if (!TEST_DATABASE_URL) return;
    await Promise.all(opened.map((store) => store.close()));
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    // Closing every store (a pool ends once its held connections are released) and dropping a
    // schema of some thirty tables while other files do the same: slow on a loaded machine.
  }, 60_000);

  const openStore = async (options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> => {
    const store = await createPostgresStore({ url, schema, pool_size: 4, ...options });
    opened.push(store);
    return store;
  };

  return {
    url,
    schema,
    admin,
    openStore,
    async makeStore() {
      const store = await openStore();
      await emptyTables(admin, schema);
      return store;
    },
  };
}
