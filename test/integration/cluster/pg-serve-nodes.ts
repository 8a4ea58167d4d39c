/**
 * `harmonia serve` nodes sharing one PostgreSQL schema of their own, for a describe block:
 * registers the hooks that build the working folder and, afterwards, stop every node and
 * drop the schema.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import { randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

export interface PgServeNodes {
  /** Starts a node named `name` (its own data folder, the shared schema). */
  serve(name: string): Promise<ServeProcess>;
  /** The working folder `makeRoot` made (the nodes' cwd). */
  root(): string;
}

export function usePgServeNodes(makeRoot: () => string): PgServeNodes {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let root = '';
  const nodes: ServeProcess[] = [];

  beforeAll(() => {
    assertBuilt();
    root = makeRoot();
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    if (root) rmSync(root, { recursive: true, force: true });
    // Stops every node (each hands its leases back) and drops the schema: slow on a loaded machine.
  }, 60_000);

  return {
    async serve(name) {
      const node = await startServeProcess(['--port', '0'], {
        cwd: root,
        env: { HARMONIA_DB_URL: dbUrl, HARMONIA_DATA_DIR: join(root, `data-${name}`), HARMONIA_NODE_ID: name, HARMONIA_LOG_LEVEL: 'warn', HARMONIA_SHUTDOWN_GRACE: '500ms' },
      });
      nodes.push(node);
      return node;
    },
    root: () => root,
  };
}
