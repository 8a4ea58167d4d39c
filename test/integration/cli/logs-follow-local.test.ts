/** `harmonia logs --follow` on the local store answers as the page does and as a server's stream does. */
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';

const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n',
  'packs/demo/workflows/talk.yaml': ['version: 1.0.0', 'tasks:', '  build:', '    action: core.shell', '    input:', '      shell: true', '      command: "echo compiling"', ''].join('\n'),
};

let dir = '';
afterEach(() => {
  if (dir) removeTree(dir);
  dir = '';
});

const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_URL: '' });

describe('harmonia logs --follow (local store)', () => {
  it('refuses a task the execution does not have, as the page and the server do, rather than following nothing', { timeout: 60_000 }, async () => {
    assertBuilt();
    dir = makeTree(PACK);
    expect((await runCli(['sync'], { cwd: dir, env: env() })).code).toBe(0);
    const run = await runCli(['run', 'demo.talk', '--json'], { cwd: dir, env: env() });
    const id = (JSON.parse(run.stdout) as { id: string }).id;

    const followed = await runCli(['logs', id, '--follow'], { cwd: dir, env: env() });
    expect([followed.code, followed.stdout]).toEqual([0, 'build#1 out | compiling\n']);
    const unknown = await runCli(['logs', id, 'biuld', '--follow'], { cwd: dir, env: env() });
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', `harmonia: execution '${id}' has no task 'biuld' (USAGE_INVALID, HTTP 400)\n`]);
    const missing = await runCli(['logs', 'no-such-execution', '--follow'], { cwd: dir, env: env() });
    const paged = await runCli(['logs', 'no-such-execution'], { cwd: dir, env: env() });
    expect([missing.code, missing.stderr]).toEqual([1, paged.stderr]);
  });
});
