import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, isPostgresStore } from '../../../src/store/create-store.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

const root = mkdtempSync(join(tmpdir(), 'harmonia-create-store-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('createStore()', () => {
  it('opens SQLite under the data dir when no db_url is set', async () => {
    const store = await createStore({ data_dir: join(root, 'data') });
    expect(store.backend).toBe('sqlite');
    expect(isPostgresStore(store)).toBe(false);
    await store.registry.upsertPack({ ref: 'alpha', version: '1.0.0', dependencies: [] });
    await store.close();
    const again = await createStore({ db_url: `sqlite:${join(root, 'data', 'harmonia.db')}`, data_dir: '/unused' });
    expect((await again.registry.listPacks()).map((p) => p.ref)).toEqual(['alpha']);
    await again.close();
  });

  it('refuses a db_url that is neither postgres nor sqlite, hiding its password', async () => {
    await expect(createStore({ db_url: 'mysql://ann:s3cret@db/x', data_dir: root })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.not.stringContaining('s3cret') as unknown,
    });
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('createStore()'), () => {
  const db = usePgSchema();

  it('opens PostgreSQL for a postgres:// db_url', async () => {
    await db.openStore();
    const store = await createStore({ db_url: db.url, data_dir: root, schema: db.schema, pool_size: 2 });
    expect(store.backend).toBe('postgres');
    expect(isPostgresStore(store)).toBe(true);
    expect(store.leases).toBeDefined();
    await store.close();
  });

  it('takes the schema from a ?schema= parameter of the db_url', async () => {
    await db.openStore();
    const store = await createStore({ db_url: `${db.url}${db.url.includes('?') ? '&' : '?'}schema=${db.schema}`, data_dir: root, pool_size: 2 });
    expect(isPostgresStore(store) && store.schema).toBe(db.schema);
    if (isPostgresStore(store)) {
      const { rows } = await store.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(rows[0]?.schema).toBe(db.schema);
    }
    await store.close();
  });
});
