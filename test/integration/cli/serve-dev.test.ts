import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidWorkflowYaml, packYaml, workflowYaml } from '../gitops/git-fixture.js';
import { assertBuilt, makeTree, removeTree } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

let dir: string;
let serve: ServeProcess | null = null;

beforeAll(async () => {
  assertBuilt();
  dir = makeTree({ 'packs/ops/pack.yaml': packYaml('ops'), 'packs/ops/workflows/deploy.yaml': workflowYaml('first') });
  serve = await startServeProcess(['--dev', '--port', '0'], { cwd: dir, env: { HARMONIA_DATA_DIR: join(dir, 'data') } });
});
afterAll(async () => {
  await serve?.stop();
  removeTree(dir);
});

const running = (): ServeProcess => {
  if (!serve) throw new Error('the server is not running');
  return serve;
};

describe('harmonia serve --dev', () => {
  it('syncs the packs folder and says it watches it before it listens', () => {
    expect(running().stderr()).toContain('✓ ops  ops.deploy v1');
    expect(running().stderr()).toContain('dev: watching ./packs');
  });

  it('re-syncs a pack on save, prints it, and serves the new version', async () => {
    writeFileSync(join(dir, 'packs/ops/workflows/deploy.yaml'), workflowYaml('second'));
    await running().waitForStderr('ops.deploy v2');
    const detail = (await (await fetch(`${running().url}/api/v1/workflows/ops.deploy`)).json()) as { version: number };
    expect(detail.version).toBe(2);
  });

  it('prints the diagnostics of an invalid save on stderr', async () => {
    writeFileSync(join(dir, 'packs/ops/workflows/deploy.yaml'), invalidWorkflowYaml());
    const text = await running().waitForStderr(/✗ ops {2}\d+ errors?/);
    await running().waitForStderr(/deploy\.yaml:\d+:\d+ {2}error {2}\S+/);
    expect(text).toContain('✗ ops');
  });

  it('stops the watcher and exits 0 on SIGTERM', async () => {
    expect(await running().stop()).toBe(0);
    expect(running().stderr()).toContain('received SIGTERM: shutting down');
    serve = null;
  });
});
