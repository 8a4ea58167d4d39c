/**
 * Two real `harmonia serve` processes on one PostgreSQL schema firing a one-second
 * schedule: every scheduled second fires once and starts exactly one execution, and
 * after node A is SIGKILLed node B fires every second, taking over what A left.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

interface FireRow {
  scheduled_at: string;
  status: string;
  execution_id: string | null;
  node_id: string;
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('a one-second schedule on two nodes, one SIGKILLed'), () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let root = '';
  let admin: pg.Pool;
  const nodes: ServeProcess[] = [];

  const serve = async (name: string): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], {
      cwd: root,
      env: {
        HARMONIA_DB_URL: dbUrl,
        HARMONIA_DATA_DIR: join(root, `data-${name}`),
        HARMONIA_NODE_ID: name,
        HARMONIA_LEASE_MS: '2000',
        HARMONIA_SHUTDOWN_GRACE: '500ms',
        HARMONIA_LOG_LEVEL: 'warn',
      },
    });
    nodes.push(node);
    return node;
  };

  const fires = async (): Promise<FireRow[]> =>
    (await admin.query<FireRow>(`SELECT scheduled_at, status, execution_id, node_id FROM ${schema}.trigger_fires ORDER BY scheduled_at`)).rows;

  const waitFor = async (what: string, check: (rows: FireRow[]) => boolean): Promise<FireRow[]> => {
    let rows: FireRow[] = [];
    let done = false;
    const poll = async () => {
      rows = await fires();
      done = check(rows);
    };
    await poll();
    for (let i = 0; !done; i += 1) {
      // Other processes write the rows and announce nothing this test can await: poll the table.
      if (i > 1200) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await poll();
    }
    return rows;
  };

  beforeAll(() => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-sched-nodes-'));
    admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    mkdirSync(join(root, 'packs', 'sched', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'packs', 'sched', 'pack.yaml'), 'ref: sched\nversion: 1.0.0\n');
    writeFileSync(
      join(root, 'packs', 'sched', 'workflows', 'tick.yaml'),
      ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  second:', '    schedule: { every: 1s, overlap: allow_all, catchup_window: 1m }', ''].join('\n'),
    );
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('fires each second once, with one execution each, across a SIGKILL of one node', async () => {
    const a = await serve('node-a');
    await serve('node-b');
    await waitFor('three fires', (rows) => rows.filter((r) => r.status === 'started').length >= 3);
    a.child.kill('SIGKILL');
    await a.stop();
    const killedAt = Date.now();
    // B goes on alone: three more seconds fire after the kill, and nothing A left is still unsettled.
    const rows = await waitFor('three fires after the kill with nothing unsettled', (list) =>
      list.filter((r) => Date.parse(r.scheduled_at) > killedAt + 1000).length >= 3 && list.every((r) => r.status !== 'starting'),
    );

    const seconds = rows.map((r) => Date.parse(r.scheduled_at) / 1000);
    // No second lost between the first fire and the last, none fired twice (the primary key), all started.
    expect(seconds).toEqual(Array.from({ length: seconds.length }, (_, i) => (seconds[0] ?? 0) + i));
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'started'));
    expect(rows.filter((r) => Date.parse(r.scheduled_at) > killedAt + 1000).every((r) => r.node_id === 'node-b')).toBe(true);
    const ids = rows.map((r) => r.execution_id);
    expect(new Set(ids).size).toBe(rows.length);
    const executions = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.executions WHERE workflow_ref = 'sched.tick'`);
    // Exactly one execution per fire: none started twice by the two nodes, none by a takeover.
    expect(Number(executions.rows[0]?.n)).toBe(rows.length);
  });
});
