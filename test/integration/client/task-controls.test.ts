/**
 * Rerun-from-task, skip-task and retry of a canceled execution as a user reaches them:
 * REST (through the typed client), the OpenAPI document and the `harmonia execution`
 * CLI, against a real server on a loopback port with a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient, type HarmoniaClient } from '../../../src/client/client.js';
import { ConflictError, ValidationError } from '../../../src/client/errors.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { actionsWith, gate, handler, nextEvent, register, typedError, workflow } from '../engine/helpers.js';

let dir: string;
let store: Store;
let engine: Engine;
let server: RunningServer;
let client: HarmoniaClient;
/** Open gates of test.hold tasks, by their input's `name`. */
const holds = new Map<string, { entered: ReturnType<typeof gate<void>>; release: ReturnType<typeof gate<void>> }>();

function hold(name: string) {
  const entry = { entered: gate<void>(), release: gate<void>() };
  holds.set(name, entry);
  return entry;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-task-controls-'));
  store = createSqliteStore({ file: join(dir, 'harmonia.db') });
  const actions = actionsWith({
    'test.hold': handler(async (input) => {
      const entry = holds.get(String(input.name));
      if (!entry) return { held: false };
      entry.entered.open();
      await entry.release.promise;
      return { held: true };
    }),
    'test.block': handler(async (_input, _attempt, signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw typedError('CANCELED', 'stopped', false);
    }),
  });
  engine = createEngine({ store, actions, config: { cancel_grace_ms: 500 } });
  await register(store, 'demo.chain', workflow([
    { id: 'a', action: 'test.hold', input: { name: '${input.name}' } },
    { id: 'b', depends_on: ['a'] },
    { id: 'c', depends_on: ['b'] },
  ]));
  await register(store, 'demo.blocked', workflow([{ id: 'first' }, { id: 'slow', action: 'test.block', depends_on: ['first'] }]));
  await register(store, 'demo.broken', workflow([{ id: 'boom', action: 'core.fail', input: { error_message: 'broken' } }]));
  await register(store, 'demo.caller', workflow([{ id: 'call', action: 'core.workflow', input: { workflow: 'demo.broken' } }]));
  const packs = createPackSyncService({ store, packsDir: join(dir, 'packs') });
  server = await startServer({ store, engine, packs, host: '127.0.0.1', port: 0, grace_ms: 1000, logger: pino({ level: 'silent' }), options: { version: '0.0.0-test' } });
  client = createClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

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
  const ctx = createCliContext({ env: { NO_COLOR: '1' }, cwd: dir, stdout, stderr });
  const program = createProgram(ctx);
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync([...args, '--url', server.url], { from: 'user' });
    return { code: ctx.exitCode, stdout: stdout.text, stderr: stderr.text };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout: stdout.text, stderr: stderr.text };
    throw error;
  }
}

async function startedOn(name: string): Promise<{ id: string; release: () => void }> {
  const entry = hold(name);
  const run = await client.executeWorkflow({ workflow_ref: 'demo.chain', input: { name } });
  await entry.entered.promise;
  return { id: run.execution_id, release: () => entry.release.open() };
}

function order(events: ReadonlyArray<{ event_type: string; task_id?: string }>): string[] {
  return events.filter((e) => e.event_type.startsWith('task_')).map((e) => `${e.event_type}:${e.task_id ?? ''}`);
}

describe('POST /api/v1/executions/{id}/skip', () => {
  it('skips a pending task once its upstream is done; its dependants run after that', async () => {
    const run = await startedOn('skip-rest');
    const result = await client.skipTask(run.id, 'b');
    expect(result).toMatchObject({ execution_id: run.id, status: 'running' });
    expect((await client.getWorkflowStatus(run.id)).task_statuses.b?.status).toBe('pending');
    run.release();
    expect((await engine.waitForCompletion(run.id)).status).toBe('completed');
    const { events } = await client.listEvents(run.id);
    expect(order(events)).toEqual(['task_started:a', 'task_completed:a', 'task_skipped:b', 'task_started:c', 'task_completed:c']);
  });

  it('answers 400 USAGE_INVALID for a task the execution does not have, and 409 once it finished', async () => {
    const run = await startedOn('skip-bad');
    const unknown = await client.skipTask(run.id, 'nope').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown).toMatchObject({ status: 400, code: 'USAGE_INVALID', message: expect.stringContaining("has no task 'nope'") });
    run.release();
    await engine.waitForCompletion(run.id);
    await expect(client.skipTask(run.id, 'b')).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a body without task_id with 400 REQUEST_INVALID', async () => {
    const response = await fetch(`${server.url}/api/v1/executions/x/skip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
  });
});

describe('POST /api/v1/executions/{id}/rerun', () => {
  it('reruns a completed execution from a task: it and its downstream run again, upstream does not', async () => {
    const run = await startedOn('rerun-rest');
    run.release();
    await engine.waitForCompletion(run.id);
    const cDone = nextEvent(engine, (e) => e.execution_id === run.id && e.event_type === 'workflow_completed');
    expect((await client.rerunExecution(run.id, 'b')).execution_id).toBe(run.id);
    await cDone;
    const { events } = await client.listEvents(run.id);
    expect(order(events).filter((e) => e.startsWith('task_started'))).toEqual(['task_started:a', 'task_started:b', 'task_started:c', 'task_started:b', 'task_started:c']);
  });

  it('answers 409 while the execution runs', async () => {
    const run = await startedOn('rerun-running');
    await expect(client.rerunExecution(run.id, 'b')).rejects.toMatchObject({ status: 409, code: 'EXEC_INVALID_STATE' });
    run.release();
    await engine.waitForCompletion(run.id);
  });
});

describe('controls of a sub-workflow whose parent has finished', () => {
  it('answer 409 EXEC_PARENT_FINISHED naming the parent, over the client and the command line', async () => {
    const parent = await client.executeWorkflow({ workflow_ref: 'demo.caller', input: {} });
    expect((await engine.waitForCompletion(parent.execution_id)).status).toBe('failed');
    const child = (await store.executions.listExecutions({ workflow_ref: 'demo.broken' })).items.find((record) => record.parent_execution_id === parent.execution_id);
    const childId = child?.id ?? '';
    const retry = await client.retryExecution(childId).catch((error: unknown) => error);
    expect(retry).toBeInstanceOf(ConflictError);
    expect(retry).toMatchObject({ status: 409, code: 'EXEC_PARENT_FINISHED', message: expect.stringContaining(`retry execution '${parent.execution_id}' instead`) });
    await expect(client.rerunExecution(childId, 'boom')).rejects.toMatchObject({ status: 409, code: 'EXEC_PARENT_FINISHED' });
    const cli409 = await cli(['execution', 'retry', childId, '--json']);
    expect(cli409.code).toBe(1);
    expect(JSON.parse(cli409.stdout)).toMatchObject({ error: { code: 'EXEC_PARENT_FINISHED', details: { parent_execution_id: parent.execution_id, parent_task_id: 'call' } } });
    expect((await engine.getExecution(childId)).status).toBe('failed');
  });
});

describe('the OpenAPI document', () => {
  it('publishes both task controls with their request body', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    for (const verb of ['rerun', 'skip']) {
      const op = doc.paths[`/api/executions/{id}/${verb}`]?.post;
      expect(op, verb).toBeDefined();
      expect(JSON.stringify(op?.requestBody)).toContain('ExecutionTaskRequest');
    }
  });
});

describe('harmonia execution rerun | skip | retry', () => {
  it('skips a task from the command line', async () => {
    const run = await startedOn('skip-cli');
    const result = await cli(['execution', 'skip', run.id, 'b']);
    expect(result).toMatchObject({ code: 0, stdout: `execution ${run.id}: running (skip b)\n` });
    run.release();
    await engine.waitForCompletion(run.id);
    expect((await client.getWorkflowStatus(run.id)).task_statuses.b?.status).toBe('skipped');
  });

  it('reruns from a task with --json, and exits 2 naming an unknown task', async () => {
    const run = await startedOn('rerun-cli');
    run.release();
    await engine.waitForCompletion(run.id);
    const done = nextEvent(engine, (e) => e.execution_id === run.id && e.event_type === 'workflow_completed');
    const result = await cli(['execution', 'rerun', run.id, 'c', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ execution_id: run.id });
    await done;
    const bad = await cli(['execution', 'rerun', run.id, 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("has no task 'nope'");
  });

  it('retries a canceled execution, as its help says', async () => {
    // Listened for before the start: 'first' is a no-op, so 'slow' may start before the answer arrives.
    const slowStarted = nextEvent(engine, (e) => e.event_type === 'task_started' && e.task_id === 'slow');
    const started = await client.executeWorkflow({ workflow_ref: 'demo.blocked', input: {} });
    expect((await slowStarted).execution_id).toBe(started.execution_id);
    await client.cancelExecution(started.execution_id);
    expect((await engine.waitForCompletion(started.execution_id)).status).toBe('canceled');
    const again = nextEvent(engine, (e) => e.execution_id === started.execution_id && e.event_type === 'task_started' && e.task_id === 'slow');
    const result = await cli(['execution', 'retry', started.execution_id]);
    expect(result).toMatchObject({ code: 0, stdout: `execution ${started.execution_id}: running\n` });
    await again;
    const { events } = await client.listEvents(started.execution_id);
    expect(order(events).filter((e) => e === 'task_started:first')).toHaveLength(1);
    await client.terminateExecution(started.execution_id);
    const help = await cli(['execution', 'retry', '--help']);
    expect(help.stdout).toContain('retry a failed or canceled execution');
  });
});
