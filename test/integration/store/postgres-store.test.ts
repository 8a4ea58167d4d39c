import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { migratePostgres } from '../../../src/store/postgres/migrate-postgres.js';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgres/migrations/index.js';
import { toStoreError } from '../../../src/store/postgres/pg-errors.js';
import { createPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import type { StoreSession } from '../../../src/store/store.js';
import { TEST_DATABASE_URL, pgSuiteName, randomSchemaName, usePgSchema } from './pg-test-db.js';

function driverError(code: string, message = 'driver failure'): Error {
  return Object.assign(new Error(message), { code });
}

describe('toStoreError()', () => {
  it('turns unique and foreign-key violations into STORE_CONFLICT', () => {
    expect(toStoreError(driverError('23505'))).toMatchObject({ code: 'STORE_CONFLICT' });
    expect(toStoreError(driverError('23503'))).toMatchObject({ code: 'STORE_CONFLICT' });
  });

  it('turns a deadlock or serialization failure into STORE_CONFLICT', () => {
    expect(toStoreError(driverError('40P01'))).toMatchObject({ code: 'STORE_CONFLICT' });
    expect(toStoreError(driverError('40001'))).toMatchObject({ code: 'STORE_CONFLICT' });
  });

  it('turns connection failures into STORE_UNAVAILABLE', () => {
    for (const code of ['08006', '08001', '57P01', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(toStoreError(driverError(code))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    }
    expect(toStoreError(new Error('Connection terminated unexpectedly'))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('passes other errors through unchanged', () => {
    const syntax = driverError('42601');
    const ours = new HarmoniaError('EXEC_NOT_FOUND', "execution 'x' does not exist");
    expect(toStoreError(syntax)).toBe(syntax);
    expect(toStoreError(ours)).toBe(ours);
  });
});

describe('createPostgresStore() options', () => {
  it('refuses a schema name that would need quoting', async () => {
    await expect(createPostgresStore({ url: 'postgres://127.0.0.1/x', schema: 'Bad-Name' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });

  it('refuses a url that is not postgres://', async () => {
    await expect(createPostgresStore({ url: 'mysql://127.0.0.1/x' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('reports STORE_UNAVAILABLE when nothing listens at the address', async () => {
    await expect(createPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('createPostgresStore()'), () => {
  const db = usePgSchema();

  async function withPool<T>(schema: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const pool = new pg.Pool({ connectionString: db.url, max: 2, options: `-c search_path=${schema}` });
    try {
      return await fn(pool);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    }
  }

  it('migrates once when several nodes start together', async () => {
    const schema = randomSchemaName();
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url: db.url, schema, pool_size: 2 })));
    try {
      const { rows } = await db.admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    } finally {
      await db.admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('applies nothing to an up-to-date schema', async () => {
    const store = await db.openStore();
    expect(await migratePostgres(store.pool, db.schema)).toEqual([]);
  });

  it('rolls every migration of the run back when one fails', async () => {
    const schema = randomSchemaName();
    await withPool(schema, async (pool) => {
      const broken = [
        { version: 1, name: 'fine', sql: 'CREATE TABLE fine (id INTEGER)' },
        { version: 2, name: 'broken', sql: 'CREATE TABLE broken (id NOT_A_TYPE)' },
      ];
      await expect(migratePostgres(pool, schema, broken)).rejects.toMatchObject({
        code: 'STORE_MIGRATION_FAILED',
        message: expect.stringContaining('migration 2 (broken)') as unknown,
      });
      const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toEqual([]);
    });
  });

  it('keeps each schema to itself', async () => {
    const schema = randomSchemaName();
    const mine = await db.makeStore();
    const other = await createPostgresStore({ url: db.url, schema, pool_size: 2 });
    try {
      await other.registry.upsertPack({ ref: 'elsewhere', version: '1.0.0', dependencies: [] });
      expect(await mine.registry.listPacks()).toEqual([]);
    } finally {
      await other.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await other.close();
    }
  });

  it('refuses a transaction session used after its transaction ended', async () => {
    const store = await db.makeStore();
    let leaked: StoreSession | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.registry.listPacks()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('rolls back the whole transaction when a write in it conflicts', async () => {
    const store = await db.makeStore();
    await store.registry.addVersion({
      kind: 'workflow',
      ref: 'alpha.deploy',
      pack_ref: 'alpha',
      content_hash: 'h1',
      body: { runner: 'shell', parameters: {} },
      source: '',
      file: 'a.yaml',
      origin: { source: 'local' },
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.registry.setActive('workflow', 'alpha.deploy', 1, true);
        await tx.executions.appendEvents([
          { event_type: 'workflow_started', execution_id: 'missing', workflow_id: 'w', timestamp: '', seq: 1, data: { workflow_ref: 'demo.w', workflow_version: 1, input: {}, parent_execution_id: null, parent_task_id: null } },
        ]);
      }),
    ).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.registry.getHead('workflow', 'alpha.deploy'))?.pinned).toBe(false);
  });
});
