import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShellAction } from '../../../src/actions/core-shell.js';
import { makeContext } from '../../unit/actions/make-context.js';
import { isAlive, pidsWith } from './process-state.js';

describe('createShellAction()', () => {
  let dir: string;
  const shell = createShellAction({
    parent_env: { PATH: '/usr/local/bin:/usr/bin:/bin', SECRET_TOKEN: 'do-not-leak' },
    env_allowlist: ['PATH'],
    kill_grace_ms: 500,
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-shell-test-'));
    mkdirSync(join(dir, 'sub'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs argv without a shell, so metacharacters stay literal', async () => {
    const result = await shell.run({ argv: ['printf', '%s', '$(id) ; echo pwned'] }, makeContext({ pack_dir: dir }));
    expect(result).toEqual({ status: 'success', data: { stdout: '$(id) ; echo pwned', stderr: '', exit_code: 0 } });
  });

  it('runs a command through /bin/sh when shell is true', async () => {
    const result = await shell.run({ command: 'echo one; echo "{\\"n\\": 2}"', shell: true }, makeContext({ pack_dir: dir }));
    expect(result).toEqual({ status: 'success', data: { n: 2 } });
  });

  it('refuses a command without shell: true', async () => {
    const result = await shell.run({ command: 'ls' }, makeContext({ pack_dir: dir }));
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_INPUT_INVALID', is_retriable: false });
  });

  it('passes task env values as variables, not as script text', async () => {
    const result = await shell.run(
      { command: 'printf "%s" "$NAME"', shell: true, env: { NAME: '"; echo injected; "' } },
      makeContext({ pack_dir: dir }),
    );
    expect(result).toMatchObject({ status: 'success', data: { stdout: '"; echo injected; "' } });
  });

  it('hides parent variables that are not allow-listed', async () => {
    const result = await shell.run({ command: 'printf "%s" "${SECRET_TOKEN:-unset}"', shell: true }, makeContext({ pack_dir: dir }));
    expect(result).toMatchObject({ data: { stdout: 'unset' } });
  });

  it('runs in a cwd inside the pack dir', async () => {
    const result = await shell.run({ argv: ['pwd'], cwd: 'sub' }, makeContext({ pack_dir: dir }));
    expect(result).toMatchObject({ data: { stdout: `${join(dir, 'sub')}\n` } });
  });

  it('refuses a cwd that climbs out of the pack dir', async () => {
    const result = await shell.run({ argv: ['pwd'], cwd: '../' }, makeContext({ pack_dir: dir }));
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN', is_retriable: false });
  });

  it('refuses a cwd that leaves the pack dir through a symlink', async () => {
    symlinkSync(tmpdir(), join(dir, 'escape'));
    const result = await shell.run({ argv: ['pwd'], cwd: 'escape' }, makeContext({ pack_dir: dir }));
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN' });
  });

  it('runs in a scratch directory when the task has no pack', async () => {
    const result = await shell.run({ argv: ['pwd'] }, makeContext());
    expect(result).toMatchObject({ status: 'success', data: { stdout: expect.stringContaining('harmonia-shell-') } });
  });

  it('turns a non-zero exit into a retriable ACTION_FAILED', async () => {
    const result = await shell.run({ command: 'echo broken >&2; exit 4', shell: true }, makeContext({ pack_dir: dir }));
    expect(result).toEqual({
      status: 'error',
      error_type: 'ACTION_FAILED',
      error_message: 'shell command exited with code 4: broken',
      is_retriable: true,
    });
  });

  it('uses the error a failing command prints as JSON', async () => {
    const command = `echo '{"error_type":"NOT_READY","error_message":"db down","is_retriable":false}'; exit 1`;
    const result = await shell.run({ command, shell: true }, makeContext({ pack_dir: dir }));
    expect(result).toEqual({ status: 'error', error_type: 'NOT_READY', error_message: 'db down', is_retriable: false });
  });

  it('stops a command whose output passes the cap', async () => {
    const result = await shell.run(
      { command: 'while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done', shell: true },
      makeContext({ pack_dir: dir, max_output_bytes: 4096 }),
    );
    expect(result).toMatchObject({ status: 'error', error_type: 'TASK_OUTPUT_TOO_LARGE', is_retriable: false });
  });

  it('kills the whole process group when the task times out', async () => {
    const fifo = join(dir, 'pids');
    execFileSync('mkfifo', [fifo]);
    const controller = new AbortController();
    const marker = '31.4159';
    const pending = shell.run(
      { command: `sleep ${marker} & echo started > "$PIDS"; wait`, shell: true, env: { PIDS: fifo } },
      makeContext({ pack_dir: dir, signal: controller.signal }),
    );
    // Opening a FIFO for reading waits until the script has started its grandchild.
    await readFile(fifo, 'utf8');
    const pids = pidsWith(marker);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    expect(await pending).toMatchObject({ status: 'error', error_type: 'TIMEOUT', is_retriable: true });
    await expect.poll(() => pids.filter(isAlive)).toEqual([]);
  });

  it('reports CANCELED when the task is canceled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('canceled'));
    const result = await shell.run({ argv: ['sleep', '30'] }, makeContext({ pack_dir: dir, signal: controller.signal }));
    expect(result).toMatchObject({ status: 'error', error_type: 'CANCELED', is_retriable: false });
  });
});
