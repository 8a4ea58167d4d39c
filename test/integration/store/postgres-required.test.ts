/**
 * CI must not go green with the PostgreSQL half silently skipped: .ci/run sets
 * HARMONIA_REQUIRE_POSTGRES=1, and then this test fails unless the database is
 * configured and answers.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from './pg-test-db.js';

const required = process.env['HARMONIA_REQUIRE_POSTGRES'] === '1';

describe('the PostgreSQL test database', () => {
  it('is configured and reachable whenever CI requires the PostgreSQL half to run', async () => {
    if (!required) {
      expect(required).toBe(false);
      return;
    }
    expect(TEST_DATABASE_URL, 'HARMONIA_TEST_DATABASE_URL must be set when HARMONIA_REQUIRE_POSTGRES=1').toBeDefined();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0]?.one).toBe(1);
    } finally {
      await client.end();
    }
  });
});
