import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it, expect } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'crash-child.mjs');
const dist = join(here, '../../../dist/engine/index.js');
const dir = mkdtempSync(join(tmpdir(), 'harmonia-crash-'));
const dbFile = join(dir, 'crash.db');
const logFile = join(dir, 'runs.log');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Launch {
  child: ChildProcess;
  /** Resolves with the line that made `until` true, or null when the process ended first. */
  waitLine(until: (line: string) => boolean): Promise<string | null>;
  exited: Promise<number | null>;
  stderr(): string;
}

function launch(): Launch {
  const child = spawn(process.execPath, [childScript, dbFile, logFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const listeners = new Set<(line: string | null) => void>();
  lines.on('line', (line) => listeners.forEach((fn) => fn(line)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    listeners.forEach((fn) => fn(null));
    resolve(code);
  }));
  return {
    child,
    exited,
    stderr: () => errors,
    waitLine(until) {
      return new Promise((resolve) => {
        const fn = (line: string | null): void => {
          if (line === null || until(line)) {
            listeners.delete(fn);
            resolve(line);
          }
        };
        listeners.add(fn);
      });
    },
  };
}

describe('engine crash recovery', () => {
  it('finishes workflows killed with SIGKILL at 20+ random points without losing or repeating work', async () => {
    expect(existsSync(dist), 'run `npm run build` first: the crash child imports dist/').toBe(true);
    for (let kills = 0; kills < 24; kills += 1) {
      const run = launch();
      let seen = 0;
      const target = 1 + Math.floor(Math.random() * 4);
      const line = await run.waitLine((l) => l.startsWith('LOG ') && ++seen >= target);
      expect(line, `the crash child stopped on its own: ${run.stderr()}`).not.toBeNull();
      run.child.kill('SIGKILL');
      await run.exited;
    }
    writeFileSync(`${logFile}.finish`, '');
    const last = launch();
    const final = await last.waitLine((l) => l === 'DONE');
    expect(await last.exited, last.stderr()).toBe(0);
    expect(final).toBe('DONE');

    const store = createSqliteStore({ file: dbFile });
    const executions = (await store.executions.listExecutions({})).items;
    const histories = new Map<string, ExecutionEvent[]>();
    for (const execution of executions) histories.set(execution.id, await store.executions.readEvents(execution.id));
    await store.close();
    expect(executions.length).toBeGreaterThan(0);
    expect(executions.every((e) => e.status === 'completed')).toBe(true);

    const runs = readFileSync(logFile, 'utf8').trim().split('\n').filter((l) => l.startsWith('start ')).map((l) => {
      const [, execution, task, attempt] = l.split(' ');
      return { execution: execution ?? '', task: task ?? '', attempt: Number(attempt) };
    });
    let interruptions = 0;
    for (const [id, events] of histories) {
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
      const completedAttempt = new Map<string, number>();
      for (const event of events.filter((e) => e.event_type === 'task_completed')) {
        expect(completedAttempt.has(event.task_id ?? ''), `${event.task_id} completed twice`).toBe(false);
        completedAttempt.set(event.task_id ?? '', Number(event.data.attempt));
      }
      expect(completedAttempt.size).toBe(40);
      for (const [task, attempt] of completedAttempt) {
        const attempts = runs.filter((r) => r.execution === id && r.task === task).map((r) => r.attempt);
        expect(Math.max(...attempts), `${task} ran again after it completed`).toBe(attempt);
        for (const a of attempts.filter((x) => x < attempt)) expect(attempts.some((b) => b > a)).toBe(true);
      }
      for (const event of events.filter((e) => e.event_type === 'retry_attempted')) {
        // Interrupted, or — past limits.max_task_interruptions — retried on its budget as INTERRUPTED.
        expect(event.data.interrupted === true || (event.data.error as { type: string }).type === 'INTERRUPTED').toBe(true);
        expect(Number(event.data.attempt)).toBeGreaterThan(Number((event.data.error as { attempt: number }).attempt));
        interruptions += 1;
      }
    }
    expect(interruptions).toBeGreaterThan(0);
  }, 180_000);
});
