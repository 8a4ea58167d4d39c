/** A child's output while the task log is behind: its pipes wait, nothing is lost, and an exit is never stuck behind them. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChild } from '../../../src/actions/run-child.js';

function linesOf(lines: Array<[string, string]>): string[] {
  return lines.filter(([stream]) => stream === 'stdout').map(([, line]) => line);
}

describe('runChild() with a task log that is behind', () => {
  it('reads what a child left in its pipes once it has exited, though the log never catches up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-backlog-'));
    const fifo = join(dir, 'go');
    execFileSync('mkfifo', [fifo]);
    try {
      const lines: Array<[string, string]> = [];
      let asked = 0;
      const result = await runChild({
        command: '/bin/sh',
        // 'first', then (once it was read, and the pipes paused) ~50 KB, which the pipe holds whole, and exit.
        args: ['-c', 'echo first; read go < "$1"; seq 1 10000', 'task', fifo],
        cwd: dir,
        env: { PATH: '/usr/bin:/bin' },
        signal: new AbortController().signal,
        max_output_bytes: 1e6,
        // Behind for good: the pipes are paused at the first chunk and never resumed by the log.
        log_backlog: () => {
          asked += 1;
          return new Promise<void>(() => undefined);
        },
        on_line: (stream, line) => {
          lines.push([stream, line]);
          if (line === 'first') writeFileSync(fifo, 'go\n');
        },
      });
      expect(result.kind).toBe('exited');
      expect(asked).toBeGreaterThan(0);
      expect(linesOf(lines)).toEqual(['first', ...Array.from({ length: 10000 }, (_, i) => String(i + 1))]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every line of a flood in order while the log makes it wait at each chunk', async () => {
    const lines: Array<[string, string]> = [];
    const result = await runChild({
      command: '/bin/sh',
      args: ['-c', 'seq 1 200000; seq 1 3 >&2'],
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      signal: new AbortController().signal,
      max_output_bytes: 1e6,
      // A store that needs a turn of the event loop before it has caught up.
      log_backlog: () => new Promise<void>((resolve) => setImmediate(resolve)),
      on_line: (stream, line) => lines.push([stream, line]),
    });
    expect(result.kind).toBe('exited');
    expect(linesOf(lines)).toEqual(Array.from({ length: 200000 }, (_, i) => String(i + 1)));
    expect(lines.filter(([stream]) => stream === 'stderr').map(([, line]) => line)).toEqual(['1', '2', '3']);
  });
});
