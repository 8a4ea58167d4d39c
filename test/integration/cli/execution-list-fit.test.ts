/**
 * `harmonia execution list` fits an 80-column terminal as `kubectl get` does: short ids,
 * relative ages and durations, `--wide` for everything, `--json` unchanged. The short id
 * it prints is accepted by every command that takes an execution id; an ambiguous one is
 * refused with the candidates. A real SQLite store and engine, the CLI in process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { createProgram, main } from '../../../src/cli/main.js';
import { createCliContext } from '../../../src/cli/cli-context.js';
import { createEngine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { actionsWith, register, workflow } from '../engine/helpers.js';

let dir: string;
const FIRST = '0193a4b2-7c3f-7a10-8b2c-cafe0001beef';
const SECOND = '0193a4b2-7c40-7d21-9e3f-cafe0002beef';
let child = '';
let createdAt = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-execution-list-'));
  const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
  const engine = createEngine({ store, actions: actionsWith({}) });
  await engine.start();
  const ref = 'data_pipeline.nightly_orders_summary_with_a_long_name';
  const id = await register(store, ref, workflow([{ id: 'a', action: 'core.noop' }]));
  for (const execution of [FIRST, SECOND]) await engine.waitForCompletion((await engine.startExecution({ workflow_id: id, id: execution, input: {} })).id);
  const parent = await register(store, 'ops.parent', workflow([{ id: 'call', action: 'core.workflow', input: { workflow: ref } }]));
  const started = await engine.startExecution({ workflow_id: parent, input: {} });
  await engine.waitForCompletion(started.id);
  child = `${started.id}:call#1`;
  createdAt = Date.parse((await store.executions.getExecution(FIRST))?.created_at ?? '');
  await engine.stop();
  await store.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI in process over the data dir, with its clock 3 minutes after the first execution. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', HARMONIA_DATA_DIR: dir, ...env },
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    now: () => createdAt + 3 * 60_000 + 5_000,
  });
  return { code, stdout, stderr };
}

describe('harmonia execution list', () => {
  it('fits 80 columns with short ids, relative ages and durations', async () => {
    const run = await cli(['execution', 'list', '--sort', 'created_at'], { COLUMNS: '80' });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^EXECUTION\s+STATUS\s+AGE\s+DURATION\s+WORKFLOW$/);
    expect(lines[1]).toMatch(/^cafe0001beef\s+completed\s+3m ago\s+\d+ms\s+data_pipeline\.nightly_\S+…$/);
    expect(lines[2]).toMatch(/^cafe0002beef\s+completed\s+3m ago\s+/);
    expect(run.stdout).toContain(`${child.slice(24)}  completed`);
    expect(run.stdout).not.toContain(FIRST);
  });

  it('prints every column, full ids and ISO times with --wide', async () => {
    const run = await cli(['execution', 'list', '--sort', 'created_at', '--wide'], { COLUMNS: '80' });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^EXECUTION\s+STATUS\s+CREATED\s+FINISHED\s+AGE\s+DURATION\s+PARENT\s+WORKFLOW$/);
    expect(lines[1]).toMatch(new RegExp(`^${FIRST}\\s+completed\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+\\d{4}-\\S+Z\\s+3m ago\\s+\\d+ms\\s+-\\s+data_pipeline\\.nightly_orders_summary_with_a_long_name@1$`));
    expect(run.stdout).toContain(child);
  });

  it('prints the same --json as before: full ids and times', async () => {
    const run = await cli(['execution', 'list', '--sort', 'created_at', '--json']);
    const page = JSON.parse(run.stdout) as { items: Array<{ execution_id: string; created_at: string }> };
    expect(page.items.slice(0, 2).map((e) => e.execution_id)).toEqual([FIRST, SECOND]);
  });
});

describe('a short execution id', () => {
  it('is accepted by the commands that take an execution id', async () => {
    for (const args of [
      ['execution', 'status', 'cafe0001beef'],
      ['execution', 'summary', 'cafe0001beef'],
      ['execution', 'metrics', 'cafe0001beef'],
      ['execution', 'events', 'cafe0001beef'],
      ['execution', 'tasks', 'cafe0001beef'],
      ['state', 'show', 'cafe0001beef'],
      ['checkpoint', 'list', 'cafe0001beef'],
      ['logs', 'cafe0001beef'],
    ]) {
      const run = await cli([...args, '--json']);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }
    const status = await cli(['execution', 'status', 'cafe0001beef']);
    expect(status.stdout).toContain(FIRST);
    // A unique prefix too, and a child's short form as the list prints it.
    expect((await cli(['execution', 'status', FIRST.slice(0, 16), '--json'])).stdout).toContain(FIRST);
    expect(JSON.parse((await cli(['execution', 'status', child.slice(24), '--json'])).stdout)).toMatchObject({ execution_id: child });
  });

  it('is accepted by every flag that takes an execution id, as by the argument', async () => {
    // every option of every command whose name says it takes an execution id
    const program = createProgram(createCliContext({ cwd: dir, env: {} }));
    const flags: string[] = [];
    const walk = (command: Command, path: string[]): void => {
      for (const option of command.options) if (/execution|parent/.test(option.long ?? '') && option.required) flags.push([...path, option.long].join(' '));
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    walk(program, []);
    expect(flags).toEqual(['checkpoint list --execution']);
    const byFlag = await cli(['checkpoint', 'list', '--execution', 'cafe0001beef', '--json']);
    const byArgument = await cli(['checkpoint', 'list', FIRST, '--json']);
    expect([byFlag.code, byFlag.stderr]).toEqual([0, '']);
    expect(byFlag.stdout).toBe(byArgument.stdout);
    const ambiguous = await cli(['checkpoint', 'list', '--execution', 'beef']);
    expect([ambiguous.code, ambiguous.stderr]).toEqual([1, `harmonia: execution id 'beef' matches 2 executions: ${FIRST}, ${SECOND}; give more of it (EXEC_ID_AMBIGUOUS, HTTP 409)\n`]);
  });

  it('is refused when it matches several executions, naming them', async () => {
    const run = await cli(['execution', 'status', 'beef']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`harmonia: execution id 'beef' matches 2 executions: ${FIRST}, ${SECOND}; give more of it (EXEC_ID_AMBIGUOUS, HTTP 409)\n`);
    const json = await cli(['execution', 'status', 'beef', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'EXEC_ID_AMBIGUOUS', details: { matches: [FIRST, SECOND] } } });
  });

  it('is looked up no further when it matches nothing: the command says the id is unknown', async () => {
    const run = await cli(['execution', 'status', 'no-such-execution']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("'no-such-execution'");
  });
});
