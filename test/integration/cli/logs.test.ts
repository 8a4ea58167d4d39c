import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n',
  'packs/demo/workflows/broken.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  build:',
    '    action: core.shell',
    '    input:',
    '      shell: true',
    '      command: "echo compiling; echo \'error: missing semicolon\' >&2; exit 3"',
    '',
  ].join('\n'),
};

let dir = '';
let served: ServeProcess | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
  if (dir) removeTree(dir);
  dir = '';
});

const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_SHUTDOWN_GRACE: '0' });

describe('harmonia logs', () => {
  // Nine runs of the CLI and a server process, each a process start: about 19 s on a quiet machine,
  // more than the default 30 s on a loaded one.
  it('shows a failed run\'s log under its error, and the same log locally and from a server', { timeout: 120_000 }, async () => {
    assertBuilt();
    dir = makeTree(PACK);
    expect((await runCli(['sync'], { cwd: dir, env: env() })).code).toBe(0);
    const run = await runCli(['run', 'demo.broken'], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("last lines of build's log");
    expect(run.stderr).toContain('build#1 out | compiling');
    expect(run.stderr).toContain('build#1 err | error: missing semicolon');
    const id = /execution (\S+) of/.exec(run.stderr)?.[1] ?? '';

    const local = await runCli(['logs', id], { cwd: dir, env: env() });
    expect(local.code).toBe(0);
    expect(local.stdout.trim().split('\n').sort()).toEqual(['build#1 err | error: missing semicolon', 'build#1 out | compiling']);
    const onlyErr = await runCli(['logs', id, 'build', '--stream', 'stderr', '--json'], { cwd: dir, env: env() });
    expect(onlyErr.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: string; attempt: number })).toEqual([
      expect.objectContaining({ line: 'error: missing semicolon', attempt: 1, stream: 'stderr', task_id: 'build' }),
    ]);

    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    const remote = await runCli(['logs', id, '--url', served.url], { cwd: dir, env: env() });
    expect(remote.code).toBe(0);
    expect(remote.stdout.trim().split('\n').sort()).toEqual(local.stdout.trim().split('\n').sort());
    const followed = await runCli(['logs', id, '--follow', '--url', served.url], { cwd: dir, env: env() });
    expect(followed.stdout.trim().split('\n').sort()).toEqual(local.stdout.trim().split('\n').sort());
    const waited = await runCli(['workflow', 'run', 'demo.broken', '--wait', '--url', served.url], { cwd: dir, env: env() });
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain("last lines of build's log");
    expect(waited.stderr).toContain('build#1 err | error: missing semicolon');
    // a task the execution does not have is a mistake to say, not a log that is empty
    const unknown = await runCli(['logs', id, 'nonexistent-task'], { cwd: dir, env: env() });
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', `harmonia: execution '${id}' has no task 'nonexistent-task' (USAGE_INVALID, HTTP 400)\n`]);
    expect((await runCli(['logs', 'no-such-execution'], { cwd: dir, env: { ...env(), HARMONIA_URL: '' } })).code).toBe(1);
  });
});
