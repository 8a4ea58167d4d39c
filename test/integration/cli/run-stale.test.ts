import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, PACK_YAML, removeTree, runCli, VALID_WORKFLOW } from './cli-harness.js';

let dir: string;

beforeAll(() => {
  assertBuilt();
});

beforeEach(() => {
  dir = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/workflows/hello.yaml': VALID_WORKFLOW,
    'packs/demo/workflows/bye.yaml': VALID_WORKFLOW.replace('name: Hello', 'name: Bye'),
  });
});

afterEach(() => {
  if (dir) removeTree(dir);
});

describe('harmonia run of a workflow whose pack could not sync', () => {
  it('says that the previous version runs, and why', async () => {
    expect((await runCli(['sync'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'packs/demo/workflows/hello.yaml'), VALID_WORKFLOW.replace('message: hello', 'message: hello again'));
    writeFileSync(join(dir, 'packs/demo/workflows/bye.yaml'), 'version: 1.0.0\ntasks:\n  a: { action: core.nope }\n');
    expect((await runCli(['sync'], { cwd: dir })).code).toBe(1);

    const run = await runCli(['run', 'demo.hello', '--quiet'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toBeDefined();
    expect(run.stderr).toMatch(/warning: pack 'demo' has 1 error \(in workflows\/bye\.yaml\), so its last sync registered none of its changes: running demo\.hello v1/);
  });

  it('says nothing when the registered version is the saved file', async () => {
    expect((await runCli(['sync'], { cwd: dir })).code).toBe(0);
    const run = await runCli(['run', 'demo.hello', '--quiet'], { cwd: dir });
    expect(run.stderr).not.toMatch(/warning/);
  });
});
