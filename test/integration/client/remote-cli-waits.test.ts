/**
 * `harmonia execution signal` and `harmonia approval list|approve|reject` against a real
 * server (the example packs synced, approvals among them), run in-process through the
 * program `harmonia` builds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { openHarness, type ClientHarness } from './client-harness.js';

class Text implements OutputStream {
  text = '';
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

let harness: ClientHarness;
let client: HarmoniaClient;
let cwd: string;

beforeAll(async () => {
  harness = await openHarness();
  client = createClient({ baseUrl: harness.url });
  cwd = mkdtempSync(join(tmpdir(), 'harmonia-cli-waits-'));
});
afterAll(async () => {
  await harness.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Text();
  const stderr = new Text();
  const ctx = createCliContext({ env: { NO_COLOR: '1', HARMONIA_URL: harness.url }, cwd, stdout, stderr });
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

/** Starts an execution and resolves once `count` of its tasks wait. */
async function startWaiting(start: () => Promise<{ execution_id: string }>, count: number): Promise<string> {
  let known!: (id: string) => void;
  const id = new Promise<string>((resolve) => (known = resolve));
  let seen = 0;
  const waiting = new Promise<void>((resolve) => {
    const off = harness.engine.bus.subscribe({}, (event: ExecutionEvent) => {
      void id.then((executionId) => {
        if (event.execution_id === executionId && event.event_type === 'task_waiting' && ++seen === count) {
          off();
          resolve();
        }
      });
    });
  });
  const run = await start();
  known(run.execution_id);
  await waiting;
  return run.execution_id;
}

describe('harmonia approval', () => {
  it('lists a pending approval and approves it; a second decision is refused with exit 1', async () => {
    const workflow = await client.instantiateTemplate('approvals.approval_process', { approver_email: 'ops@example.com', item_name: 'Disk' }, { name: 'disk_approval' });
    const id = await startWaiting(() => client.executeWorkflow({ workflow_id: workflow.workflow_id }), 1);
    const listed = await run(['approval', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('Approval needed for Disk');
    const approved = await run(['approval', 'approve', id, 'check_approval', '--comment', 'fine']);
    expect(approved).toMatchObject({ code: 0, stdout: `${id}: task 'check_approval' approved by anonymous (running)\n` });
    expect((await client.waitForCompletion(id)).output).toEqual({ decision: 'approve', decided_by: 'anonymous' });
    const again = await run(['approval', 'reject', id, 'check_approval', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'EXEC_INVALID_STATE', status: 409 } });
  });
});

describe('harmonia execution signal', () => {
  it('sends a signal with --data from a file; its payload becomes the task output', async () => {
    const wf = await client.createWorkflow({ name: 'paid', tasks: { paid: { action: 'core.signal', input: { name: 'payment_received' } } }, output: { amount: '${tasks.paid.output.amount}' } });
    const id = await startWaiting(() => client.executeWorkflow({ workflow_id: wf.workflow_id }), 1);
    writeFileSync(join(cwd, 'payload.json'), '{"amount": 42}');
    const sent = await run(['execution', 'signal', id, 'payment_received', '--data', '@payload.json']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`signal 'payment_received' recorded`);
    expect((await client.waitForCompletion(id)).output).toEqual({ amount: 42 });
    const bad = await run(['execution', 'signal', id, 'payment_received', '--data', '[1]']);
    expect(bad.code).toBe(2);
  });
});
