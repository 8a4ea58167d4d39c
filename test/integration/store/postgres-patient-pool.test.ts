import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatientPool, askAgainWhileBusy } from '../../../src/store/postgres/patient-pool.js';
import { TEST_DATABASE_URL, pgSuiteName } from './pg-test-db.js';

// A role allowed one connection: the server refuses its second with 53300, the refusal a
// database at max_connections gives, without filling the shared test database.
describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('a pool asks again when the database is full'), () => {
  const role = `busy_${randomBytes(5).toString('hex')}`;
  let admin: pg.Client;
  const asRole = (): string => {
    const url = new URL(TEST_DATABASE_URL as string);
    url.username = role;
    url.password = '';
    return url.toString();
  };

  /**
   * A client holding the role's one connection. pg's Pool.end() resolves before its clients'
   * backends have gone, so the slot a previous pool held may still be taken for a moment.
   */
  const holderOfTheSlot = (): Promise<pg.Client> =>
    askAgainWhileBusy(
      async () => {
        const client = new pg.Client({ connectionString: asRole() });
        try {
          await client.connect();
          return client;
        } catch (error) {
          await client.end().catch(() => undefined);
          throw error;
        }
      },
      { patience_ms: 60_000 },
    );

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
  });

  afterAll(async () => {
    // The pools ended, but their backends leave a moment later; terminating one that is
    // leaving sends its client (no longer listened to) an error nobody catches. So wait for
    // them first, and terminate only what is still there after that.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1`, [role])).rows[0].n) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('runs a statement that found the database full once a connection frees, having told of each refusal', async () => {
    const holder = await holderOfTheSlot();
    const refusals: string[] = [];
    let freed = false;
    const pool = new PatientPool({
      connectionString: asRole(),
      max: 2,
      on_busy: (error) => {
        refusals.push((error as Error & { code?: string }).code ?? '');
        // The first refusal proves the statement waited; now the one allowed connection frees.
        if (!freed) {
          freed = true;
          void holder.end();
        }
      },
    });
    try {
      const rows = (await pool.query<{ one: number }>('SELECT 1 AS one')).rows;
      expect(rows).toEqual([{ one: 1 }]);
      expect(refusals.length).toBeGreaterThanOrEqual(1);
      expect(new Set(refusals)).toEqual(new Set(['53300']));
      // A client taken by connect() works the same way.
      const client = await pool.connect();
      client.release();
    } finally {
      await pool.end();
    }
  });

  it('gives the refusal as the answer once its patience is spent, and leaves other errors alone', async () => {
    const holder = await holderOfTheSlot();
    const pool = new PatientPool({ connectionString: asRole(), max: 1, patience_ms: 200 });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: '53300' });
      await holder.end();
      // A statement error is not a refusal: it comes back at once, untouched. (A pool with
      // patience: the holder's backend may not have gone yet when end() resolves.)
      const patient = new PatientPool({ connectionString: asRole(), max: 1, patience_ms: 60_000 });
      try {
        await expect(patient.query('SELECT * FROM no_such_table_here')).rejects.toMatchObject({ code: '42P01' });
      } finally {
        await patient.end();
      }
    } finally {
      await pool.end();
    }
  });
});
