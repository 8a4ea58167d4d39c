import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { detectContainment } from '../../../src/actions/containment.js';
import { assertBuilt, ROOT } from '../cli/cli-harness.js';
import { isAlive, pidsOf } from './process-state.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

// Unique per run, so processes of another run are never counted.
const tag = String(Date.now() % 1e9).padStart(9, '0');
const markers = [1, 2, 3, 4].map((n) => `4${n}.${tag}`);
/** A script that leaves processes behind in every way a task can: background, double fork, new session. */
const ESCAPES = `setsid sleep ${markers[0]} & (sleep ${markers[1]} &) ; nohup sleep ${markers[2]} >/dev/null 2>&1 & sleep ${markers[3]} & echo ready > "$1"; wait`;

describe('task process containment', () => {
  it('runs tasks in their own PID namespace here (Linux, root)', () => {
    expect(detectContainment('auto')?.level).toBe('namespace');
  });

  it('kills every process a task started, new sessions included, when the engine is SIGKILLed', async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'harmonia-contain-'));
    const fifo = join(dir, 'ready');
    execFileSync('mkfifo', [fifo]);
    const engine = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { runChild } from ${JSON.stringify(join(ROOT, 'dist/actions/run-child.js'))};
         await runChild({ command: '/bin/sh', args: ['-c', ${JSON.stringify(ESCAPES)}, 'task', ${JSON.stringify(fifo)}], cwd: ${JSON.stringify(dir)},
           env: { PATH: '/usr/bin:/bin' }, signal: new AbortController().signal, max_output_bytes: 1e6 });`,
      ],
      { stdio: 'ignore' },
    );
    await readFile(fifo, 'utf8');
    const find = (): number[] => markers.flatMap((marker) => pidsOf(['sleep', marker]));
    // The double-forked one may still be on its way to exec.
    await expect.poll(() => find().length).toBe(4);
    const pids = find();
    const exited = new Promise((resolve) => engine.once('exit', resolve));
    engine.kill('SIGKILL');
    await exited;
    await expect.poll(() => pids.filter(isAlive), { timeout: 10_000 }).toEqual([]);
  });

  it('still lets a task handle SIGTERM and hands it stdin', async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-contain-'));
    const { runChild } = await import('../../../src/actions/run-child.js');
    const controller = new AbortController();
    const out = join(dir, 'out');
    const run = runChild({
      command: '/bin/sh',
      args: ['-c', `read line; echo "$line" > ${JSON.stringify(out)}; trap 'echo graceful >> ${JSON.stringify(out)}; exit 3' TERM; while :; do sleep 0.05; done`],
      cwd: dir,
      env: { PATH: '/usr/bin:/bin' },
      stdin: 'hello\n',
      signal: controller.signal,
      max_output_bytes: 1e6,
      kill_grace_ms: 20_000,
    });
    await expect.poll(() => { try { return readFileSync(out, 'utf8'); } catch { return ''; } }).toBe('hello\n');
    controller.abort('canceled');
    expect((await run).kind).toBe('aborted');
    expect(readFileSync(out, 'utf8')).toBe('hello\ngraceful\n');
  });
});
