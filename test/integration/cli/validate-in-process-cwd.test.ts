/**
 * `harmonia validate <relative path>` run in process (`main()`, `validateMain()`: an editor,
 * a test, the bundle's entry) reads the path from the context's cwd, not the process's: the
 * same answer as the command run in that folder.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { validateMain } from '../../../src/cli/validate-main.js';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';

const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n',
  'packs/demo/workflows/build.yaml': ['version: 1.0.0', 'tasks:', '  a:', '    action: core.noop', '    depends_on: [biuld]', ''].join('\n'),
};

let dir = '';
afterEach(() => {
  if (dir) removeTree(dir);
  dir = '';
});

async function inProcess(run: typeof main, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...env },
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { code, stdout, stderr };
}

describe('harmonia validate in process', () => {
  it("reads a relative path, and a relative HARMONIA_PACKS_DIR, from the context's cwd, as the command run there does", { timeout: 60_000 }, async () => {
    assertBuilt();
    dir = makeTree(PACK);
    expect(process.cwd()).not.toBe(dir);
    const spawned = await runCli(['validate', 'packs', '--format', 'json'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(spawned.code).toBe(1);
    expect(spawned.stdout).toContain('biuld');
    for (const run of [main, validateMain]) {
      const answered = await inProcess(run, ['validate', 'packs', '--format', 'json']);
      expect([answered.code, answered.stdout]).toEqual([spawned.code, spawned.stdout]);
      const byEnv = await inProcess(run, ['validate', '--format', 'json'], { HARMONIA_PACKS_DIR: 'packs' });
      expect([byEnv.code, byEnv.stdout]).toEqual([spawned.code, spawned.stdout]);
    }
    expect(join(dir, 'packs')).toContain(dir);
  });
});
