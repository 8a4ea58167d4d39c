/**
 * The built `harmonia` bin (dist/cli.js) talking to a real server over --url.
 * Build first: `npm run build` (npm test does it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/index.js';
import { openHarness, ROOT, type ClientHarness } from './client-harness.js';

const BIN = join(ROOT, 'dist', 'cli.js');

let harness: ClientHarness;
let cwd: string;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
  harness = await openHarness();
  cwd = mkdtempSync(join(tmpdir(), 'harmonia-remote-bin-'));
});

afterAll(async () => {
  await harness.close();
  rmSync(cwd, { recursive: true, force: true });
});

function runBin(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('harmonia execution status --url (built bin)', () => {
  it('prints the execution as JSON and exits 0', async () => {
    const client = createClient({ baseUrl: harness.url });
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: { day: '2026-04-01' } });
    await client.waitForCompletion(execution.execution_id);

    const result = await runBin(['execution', 'status', execution.execution_id, '--url', harness.url, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const detail = JSON.parse(result.stdout) as { execution_id: string; status: string; task_statuses: Record<string, unknown> };
    expect(detail).toMatchObject({ execution_id: execution.execution_id, status: 'completed' });
    expect(Object.keys(detail.task_statuses)).toEqual(['fetch_orders', 'fetch_refunds', 'transform', 'analyze', 'report']);
  });
});
