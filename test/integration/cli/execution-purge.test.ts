import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PurgeExecutionsResult } from '../../../src/core/wire.js';
import { assertBuilt, makeTree, PACK_YAML, removeTree, runCli, VALID_WORKFLOW } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

let dir = '';
let served: ServeProcess | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
  if (dir) removeTree(dir);
  dir = '';
});

const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_SHUTDOWN_GRACE: '0' });

describe('harmonia execution purge', () => {
  it('lists on a dry run, here and on a server alike, then deletes', { timeout: 120_000 }, async () => {
    assertBuilt();
    dir = makeTree({ 'packs/demo/pack.yaml': PACK_YAML, 'packs/demo/workflows/build.yaml': VALID_WORKFLOW });
    expect((await runCli(['sync'], { cwd: dir, env: env() })).code).toBe(0);
    for (let i = 0; i < 2; i += 1) expect((await runCli(['run', 'demo.build'], { cwd: dir, env: env() })).code).toBe(0);

    // Both finished before this process started, so an age of 0s takes them.
    const table = await runCli(['execution', 'purge', '--older-than', '0s', '--dry-run'], { cwd: dir, env: env() });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+FINISHED\s+SUBS\s+EVENTS\s+WORKFLOW\n/);
    expect(table.stdout).toMatch(/would delete 2 executions \(\+0 sub-workflows, \d+ events\) finished before \S+\n$/);

    const local = JSON.parse((await runCli(['execution', 'purge', '--older-than', '0s', '--dry-run', '--json'], { cwd: dir, env: env() })).stdout) as PurgeExecutionsResult;
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    const remoteRun = await runCli(['execution', 'purge', '--older-than', '0s', '--dry-run', '--json', '--url', served.url], { cwd: dir, env: env() });
    expect(remoteRun.code).toBe(0);
    const remote = JSON.parse(remoteRun.stdout) as PurgeExecutionsResult;
    expect({ ...remote, finished_before: '' }).toEqual({ ...local, finished_before: '' });
    expect(local).toMatchObject({ dry_run: true, executions: 2 });

    const bad = await runCli(['execution', 'purge', '--older-than', '0s', '--status', 'running'], { cwd: dir, env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status 'running' cannot be purged");

    const done = JSON.parse((await runCli(['execution', 'purge', '--older-than', '0s', '--json', '--url', served.url], { cwd: dir, env: env() })).stdout) as PurgeExecutionsResult;
    expect(done).toMatchObject({ dry_run: false, executions: 2 });
    const list = await runCli(['execution', 'list', '--json'], { cwd: dir, env: env() });
    expect((JSON.parse(list.stdout) as { items: unknown[] }).items).toEqual([]);
  });
});
