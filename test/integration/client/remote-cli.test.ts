/**
 * The remote CLI commands against a real server, run in-process through the same
 * program `harmonia` builds (createProgram), with the remote commands registered
 * after the local ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { registerRemoteCheckpointCommand } from '../../../src/cli/commands/remote-checkpoint.js';
import { registerRemoteComponentCommand } from '../../../src/cli/commands/remote-component.js';
import { registerRemoteExecutionCommand } from '../../../src/cli/commands/remote-execution.js';
import { registerRemotePackCommand } from '../../../src/cli/commands/remote-pack.js';
import { registerRemoteStateCommand } from '../../../src/cli/commands/remote-state.js';
import { registerRemoteTemplateCommand } from '../../../src/cli/commands/remote-template.js';
import { registerRemoteWorkflowCommand } from '../../../src/cli/commands/remote-workflow.js';
import { createProgram } from '../../../src/cli/main.js';
import { openHarness, type ClientHarness } from './client-harness.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

class Buffer implements OutputStream {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

let harness: ClientHarness;
let cwd: string;

beforeAll(async () => {
  harness = await openHarness();
  cwd = mkdtempSync(join(tmpdir(), 'harmonia-remote-cli-'));
});

afterAll(async () => {
  await harness.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function run(args: readonly string[], options: { tty?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  const stdout = new Buffer(options.tty ?? false);
  const stderr = new Buffer(false);
  const ctx = createCliContext({ env: { NO_COLOR: '1', ...options.env }, cwd, stdout, stderr });
  const program = createProgram(ctx);
  // until src/cli/main.ts registers the remote commands itself, register them here the same way
  const wired = program.commands.some((c) => c.name() === 'execution');
  for (const register of wired ? [] : [
    registerRemoteWorkflowCommand,
    registerRemoteExecutionCommand,
    registerRemoteTemplateCommand,
    registerRemoteCheckpointCommand,
    registerRemoteComponentCommand,
    registerRemotePackCommand,
    registerRemoteStateCommand,
  ]) {
    register(program, ctx);
  }
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

const input = JSON.stringify({ day: '2026-03-01' });

describe('harmonia workflow run', () => {
  it('starts an execution and waits for it with --wait --json', async () => {
    const result = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', input, '--wait', '--json', '--url', harness.url]);
    expect(result.code).toBe(0);
    const detail = JSON.parse(result.stdout) as { status: string; output: unknown };
    expect(detail).toMatchObject({ status: 'completed', output: { orders: 3 } });
  });

  it('reads the server from HARMONIA_URL', async () => {
    const result = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', input], { env: { HARMONIA_URL: harness.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^started execution \S+ of data_pipeline\.daily_sales@1/);
  });

  it('prints one line per event while waiting when stdout is not a terminal', async () => {
    const result = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', input, '--wait', '--url', harness.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('task fetch_orders completed');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^execution \S+ completed$/);
  });

  it('reads the input from --input-file', async () => {
    writeFileSync(join(cwd, 'input.json'), JSON.stringify({ day: '2026-03-02', currency: 'USD' }));
    const result = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input-file', 'input.json', '--json', '--url', harness.url]);
    expect(JSON.parse(result.stdout)).toMatchObject({ input: { day: '2026-03-02', currency: 'USD' } });
  });

  it('exits 2 with a usage error when --input is not a JSON object', async () => {
    const result = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', '[1]', '--url', harness.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a JSON object');
  });
});

describe('harmonia execution', () => {
  async function finishedExecution(): Promise<string> {
    const started = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', input, '--wait', '--json', '--url', harness.url]);
    return (JSON.parse(started.stdout) as { execution_id: string }).execution_id;
  }

  it('prints the status and a task table', async () => {
    const id = await finishedExecution();
    const result = await run(['execution', 'status', id, '--url', harness.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`execution  ${id}`);
    expect(result.stdout).toMatch(/TASK\s+STATUS\s+ATTEMPTS\s+DURATION\s+ERROR/);
    expect(result.stdout).toMatch(/report\s+completed\s+1/);
  });

  it('lists executions filtered by text and creation time', async () => {
    const id = await finishedExecution();
    const found = await run(['execution', 'list', '--text', id.slice(0, 8), '--since', '2000-01-01', '--json', '--url', harness.url]);
    expect((JSON.parse(found.stdout) as { items: Array<{ execution_id: string }> }).items.map((e) => e.execution_id)).toContain(id);
    const none = await run(['execution', 'list', '--text', id.slice(0, 8), '--until', '2000-01-01', '--json', '--url', harness.url]);
    expect((JSON.parse(none.stdout) as { items: unknown[] }).items).toEqual([]);
  });

  it('prints the stored events', async () => {
    const id = await finishedExecution();
    const result = await run(['execution', 'events', id, '--url', harness.url]);
    expect(result.stdout.split('\n')[0]).toMatch(/#1 {2}workflow started/);
  });

  it('draws a bar per task on a terminal', async () => {
    const id = await finishedExecution();
    const result = await run(['execution', 'watch', id, '--url', harness.url], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('data_pipeline.daily_sales');
    expect(result.stdout).toMatch(/fetch_orders\s+\[#{20}\] 100%\s+completed/);
  });

  it('ends watch and events --follow of a finished run whose last event follows its terminal one (a checkpoint)', async () => {
    const id = await finishedExecution();
    await harness.engine.createCheckpoint(id);
    const watched = await run(['execution', 'watch', id, '--url', harness.url]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('workflow completed');
    const followed = await run(['execution', 'events', id, '--follow', '--url', harness.url]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('workflow completed');
  });

  it('exits 1 for an unknown execution', async () => {
    const result = await run(['execution', 'status', 'no-such-execution', '--url', harness.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no-such-execution');
  });

  it('exits 1 and prints the error as JSON when a verb does not fit', async () => {
    const id = await finishedExecution();
    const result = await run(['execution', 'pause', id, '--json', '--url', harness.url]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'EXEC_INVALID_STATE', status: 409 } });
  });

  it('exits 2 when the server cannot be reached', async () => {
    const result = await run(['execution', 'status', 'x', '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot reach the harmonia server');
  });
});

describe('harmonia template, checkpoint, state, pack and component', () => {
  it('instantiates a template', async () => {
    const result = await run(['template', 'instantiate', 'data_pipeline.source_extract', '--params', '{"source":"refunds"}', '--name', 'refunds_extract', '--url', harness.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('registered workflow api.refunds_extract version 1');
  });

  it('creates, lists and validates a checkpoint and rebuilds state', async () => {
    const started = await run(['workflow', 'run', 'data_pipeline.daily_sales', '--input', input, '--wait', '--json', '--url', harness.url]);
    const id = (JSON.parse(started.stdout) as { execution_id: string }).execution_id;
    const created = await run(['checkpoint', 'create', id, '--json', '--url', harness.url]);
    const checkpointId = (JSON.parse(created.stdout) as { checkpoint_id: string }).checkpoint_id;
    expect((await run(['checkpoint', 'list', id, '--url', harness.url])).stdout).toContain(checkpointId);
    expect((await run(['checkpoint', 'validate', checkpointId, '--url', harness.url])).stdout).toContain('is valid');
    const rebuilt = await run(['state', 'rebuild', id, '--url', harness.url]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toContain('matches the event history');
  });

  it('validates and syncs a pack on the server', async () => {
    const validated = await run(['pack', 'validate', 'data_pipeline', '--url', harness.url]);
    expect(validated).toMatchObject({ code: 0, stdout: 'pack data_pipeline: valid\n' });
    const synced = await run(['pack', 'sync', 'data_pipeline', '--json', '--url', harness.url]);
    expect(JSON.parse(synced.stdout)).toMatchObject({ pack_ref: 'data_pipeline', ok: true });
  });

  it('lists components', async () => {
    const result = await run(['component', 'list', '--json', '--url', harness.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ items: [] });
  });
});
