/** The node settings `harmonia serve` reads (HARMONIA_NODE_ID, HARMONIA_LEASE_MS, HARMONIA_SHUTDOWN_GRACE), as `harmonia config` shows them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './cli-harness.js';

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'harmonia-node-settings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('harmonia serve node settings', () => {
  it('defaults to a generated node id, a 4 s lease and a 10 s shutdown grace', async () => {
    const run = await runCli(['config', '--json'], { cwd: dir });
    expect(JSON.parse(run.stdout)).toMatchObject({ node_id: null, lease_ms: 15000, shutdown_grace_ms: 10000 });
  });

  it('reads a bare lease as milliseconds and a bare grace as seconds, like the other durations', async () => {
    const run = await runCli(['config', '--json'], {
      cwd: dir,
      env: { HARMONIA_NODE_ID: 'web-1', HARMONIA_LEASE_MS: '30000', HARMONIA_SHUTDOWN_GRACE: '5' },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ node_id: 'web-1', lease_ms: 30000, shutdown_grace_ms: 5000 });
  });

  it('lists the node settings in `harmonia config`', async () => {
    const run = await runCli(['config'], { cwd: dir, env: { HARMONIA_SHUTDOWN_GRACE: '500ms' } });
    expect(run.stdout).toMatch(/^HARMONIA_SHUTDOWN_GRACE\s+500\s+env$/m);
    expect(run.stdout).toMatch(/^HARMONIA_LEASE_MS\s+15000\s+default$/m);
    expect(run.stdout).toMatch(/^HARMONIA_NODE_ID\s/m);
  });

  it('exits 2 naming the variable for a lease too short to renew', async () => {
    const run = await runCli(['config'], { cwd: dir, env: { HARMONIA_LEASE_MS: '5' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("HARMONIA_LEASE_MS must be a duration in milliseconds");
  });
});
