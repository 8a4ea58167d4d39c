/**
 * `harmonia execution <verb> --local`: controls applied in process to executions of the
 * embedded store — one `harmonia run` finished, or one it left running when it stopped —
 * with the process carrying the execution on to its end. Real SQLite file, real scripts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createEngine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

let dir: string;
const env = (): Record<string, string> => ({ NO_COLOR: '1', HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs') });

class Output implements OutputStream {
  text = '';
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Output();
  const stderr = new Output();
  const ctx = createCliContext({ env: env(), cwd: dir, stdout, stderr });
  const program = createProgram(ctx);
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { code: ctx.exitCode, stdout: stdout.text, stderr: stderr.text };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout: stdout.text, stderr: stderr.text };
    throw error;
  }
}

const mark = (): string => join(dir, 'ready');
const go = (): string => join(dir, 'go');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-local-controls-'));
  const tools = join(dir, 'packs', 'tools');
  mkdirSync(join(tools, 'actions'), { recursive: true });
  mkdirSync(join(tools, 'workflows'), { recursive: true });
  writeFileSync(join(tools, 'pack.yaml'), 'ref: tools\nversion: 1.0.0\n');
  // Fails until the test creates the file named by `path`; `hold` waits for it instead.
  const readPath = 'path=$(sed -n \'s/.*"path": *"\\([^"]*\\)".*/\\1/p\')\n';
  const param = 'parameters:\n  path:\n    type: string\n    required: true\n';
  writeFileSync(join(tools, 'actions', 'check.yaml'), `runner: shell\nentry_point: check.sh\n${param}`);
  writeFileSync(join(tools, 'actions', 'check.sh'), `#!/bin/sh\n${readPath}[ -f "$path" ] || { echo '{"error_type": "NOT_READY", "error_message": "not ready", "is_retriable": false}'; exit 1; }\necho '{"ok": true}'\n`);
  writeFileSync(join(tools, 'actions', 'hold.yaml'), `runner: shell\nentry_point: hold.sh\n${param}`);
  writeFileSync(join(tools, 'actions', 'hold.sh'), `#!/bin/sh\n${readPath}while [ ! -f "$path" ]; do sleep 0.02; done\necho '{}'\n`);
  writeFileSync(join(tools, 'workflows', 'checked.yaml'), `version: 1.0.0\ntasks:\n  check:\n    action: tools.check\n    input:\n      path: ${mark()}\n  after:\n    action: core.echo\n    depends_on: [check]\n    input:\n      message: done\n`);
  writeFileSync(join(tools, 'workflows', 'held.yaml'), `version: 1.0.0\ntasks:\n  a:\n    action: tools.hold\n    input:\n      path: ${go()}\n  b:\n    action: core.echo\n    depends_on: [a]\n    input:\n      message: b\n  c:\n    action: core.echo\n    depends_on: [b]\n    input:\n      message: c\n`);
  expect((await cli(['sync'])).code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts an execution of tools.held and stops its engine while `a` runs, as a killed `harmonia run` would leave it. */
async function orphaned(): Promise<string> {
  const store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const actions = createActionRegistry({
    pinned: { store, packs_dir: join(dir, 'packs'), cache_dir: join(dir, 'data', 'action-cache') },
    parent_env: { PATH: process.env.PATH },
    kill_grace_ms: 200,
  });
  const engine = createEngine({ store, actions });
  const started = new Promise<void>((resolve) => {
    const off = engine.bus.subscribe({}, (event) => {
      if (event.event_type === 'task_started' && event.task_id === 'a') {
        off();
        resolve();
      }
    });
  });
  const run = await engine.startExecution({ workflow_ref: 'tools.held' });
  await started;
  await engine.stop();
  await store.close();
  return run.id;
}

describe('harmonia execution <verb> --local', () => {
  it('retries a failed `harmonia run` and carries it to its end', async () => {
    const failed = await cli(['run', 'tools.checked', '--json']);
    expect(failed.code).toBe(1);
    const id = (JSON.parse(failed.stdout) as { id: string }).id;
    writeFileSync(mark(), '');
    const retried = await cli(['execution', 'retry', id, '--local']);
    expect(retried).toMatchObject({ code: 0, stdout: `execution ${id}: running\n` });
    expect(retried.stderr).toContain('✓ check completed');
    expect(retried.stderr).toContain(`execution ${id} completed`);
    rmSync(mark());
  });

  it('reruns a finished execution from a task with --json', async () => {
    writeFileSync(mark(), '');
    const done = await cli(['run', 'tools.checked', '--json']);
    const id = (JSON.parse(done.stdout) as { id: string }).id;
    const rerun = await cli(['execution', 'rerun', id, 'after', '--local', '--json']);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toEqual({ execution_id: id, status: 'running' });
    const status = await cli(['execution', 'rerun', id, 'nope', '--local']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("has no task 'nope'");
    rmSync(mark());
  });

  it('skips a task of an execution a stopped process left running, then carries it on', async () => {
    const id = await orphaned();
    writeFileSync(go(), '');
    const skipped = await cli(['execution', 'skip', id, 'b', '--local']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe(`execution ${id}: running (skip b)\n`);
    expect(skipped.stderr).toContain('– b skipped (manual)');
    expect(skipped.stderr).toContain('✓ c completed');
    rmSync(go());
  });

  it('cancels an execution a stopped process left running', async () => {
    const id = await orphaned();
    const canceled = await cli(['execution', 'cancel', id, '--local']);
    expect(canceled.code).toBe(0);
    expect(canceled.stderr).toContain(`execution ${id} canceled`);
    const again = await cli(['execution', 'pause', id, '--local', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'EXEC_INVALID_STATE' } });
  });

  it('exits 1 for an execution the local store does not have, and 2 for --local with --url', async () => {
    expect((await cli(['execution', 'resume', 'no-such-id', '--local'])).code).toBe(1);
    const both = await cli(['execution', 'resume', 'x', '--local', '--url', 'http://127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--local and --url');
  });
});
