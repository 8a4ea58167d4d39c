/**
 * Creates of one workflow ref sent to two `harmonia serve` nodes sharing PostgreSQL at
 * once: one wins (201), the others are refused (409 WORKFLOW_EXISTS), and the ref keeps
 * one version — a create never becomes a new version of what another create made.
 */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { pgSuiteName, TEST_DATABASE_URL } from '../store/pg-test-db.js';
import { usePgServeNodes } from './pg-serve-nodes.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('workflow creates on two nodes'), () => {
  const { serve } = usePgServeNodes(() => {
    const root = mkdtempSync(join(tmpdir(), 'harmonia-create-nodes-'));
    mkdirSync(join(root, 'packs'));
    return root;
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
