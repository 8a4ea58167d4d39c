/**
 * The Monitor's cluster nodes: two real `harmonia serve` processes (dist/cli.js) on one
 * PostgreSQL schema, and the console of one of them listing both, with the execution
 * one of them holds. Needs HARMONIA_TEST_DATABASE_URL and `npm run build`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../integration/cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../integration/cli/serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../integration/store/pg-test-db.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('the console (cluster nodes)'), { timeout: 60_000 }, () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let root = '';
  let browser: Browser | undefined;
  const nodes: ServeProcess[] = [];

  const serve = async (name: string): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], {
      cwd: root,
      env: { HARMONIA_DB_URL: dbUrl, HARMONIA_DATA_DIR: join(root, `data-${name}`), HARMONIA_NODE_ID: name, HARMONIA_SHUTDOWN_GRACE: '500ms', HARMONIA_LOG_LEVEL: 'warn' },
    });
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-console-nodes-'));
    mkdirSync(join(root, 'packs', 'ops', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'packs', 'ops', 'pack.yaml'), 'ref: ops\nversion: 1.0.0\n');
    // runs until the test ends: the node that started it holds it meanwhile
    writeFileSync(
      join(root, 'packs', 'ops', 'workflows', 'wait.yaml'),
      ['version: 1.0.0', 'tasks:', '  wait:', '    action: core.sleep', '    input: { ms: 600000 }', ''].join('\n'),
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lists every node with its state, heartbeat and the executions it holds', async () => {
    const a = await serve('node-a');
    const b = await serve('node-b');
    const started = await fetch(`${a.url}/api/v1/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_ref: 'ops.wait' }),
    });
    expect(started.status).toBe(201);

    const page = await openPage(browser as Browser);
    await page.goto(`${b.url}/ui/monitor`);
    const table = page.getByRole('region', { name: 'Cluster nodes' }).getByRole('table');
    await table.waitFor();
    const rows = await Promise.all((await table.locator('tbody tr').all()).map((row) => row.locator('td').allTextContents()));
    expect(rows.map(([id, state, , held]) => [id, state, held])).toEqual([
      ['node-a', 'alive', '1'],
      ['node-b', 'alive', '0'],
    ]);
    expect(rows[0]?.[2]).toMatch(/ago|just now/);
    await screenshot(page, 'monitor-cluster-nodes');
    expect(pageErrors(page)).toEqual([]);
  });
});
