/**
 * Creates of one workflow ref sent to two `harmonia serve` nodes sharing PostgreSQL at
 * once: one wins (201), the others are refused (409 WORKFLOW_EXISTS), and the ref keeps
 * one version — a create never becomes a new version of what another create made.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('workflow creates on two nodes'), () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let root = '';
  const nodes: ServeProcess[] = [];
  const serve = async (name: string): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], {
      cwd: root,
      env: { HARMONIA_DB_URL: dbUrl, HARMONIA_DATA_DIR: join(root, `data-${name}`), HARMONIA_NODE_ID: name, HARMONIA_LOG_LEVEL: 'warn', HARMONIA_SHUTDOWN_GRACE: '500ms' },
    });
    nodes.push(node);
    return node;
  };

  beforeAll(() => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-create-nodes-'));
    mkdirSync(join(root, 'packs'));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lets one create of a ref win across nodes and refuses the others with 409', async () => {
    const a = await serve('node-a');
    const b = await serve('node-b');
    const post = async (url: string, i: number) => {
      const response = await fetch(`${url}/api/v1/workflows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: i % 2 === 0 ? 'Data Processing Pipeline' : 'data_processing_pipeline', tasks: { [`t${i}`]: { action: 'core.noop' } } }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
    };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i < 4 ? a.url : b.url, i)));
    expect(answers.map((x) => x.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(new Set(answers.filter((x) => x.status === 409).map((x) => x.body.error?.code))).toEqual(new Set(['WORKFLOW_EXISTS']));
    const current = (await (await fetch(`${b.url}/api/v1/workflows/api.data_processing_pipeline`)).json()) as WorkflowDetail;
    expect([current.version, current.latest_version]).toEqual([1, 1]);
  }, 60_000);
});
