/**
 * Pack action code is pinned per execution: a running execution keeps running the
 * scripts of the version it started with, whatever is edited or synced meanwhile; a new
 * execution runs what is registered when it starts; a `harmonia sync` by another process
 * is seen by a running server at once. Real server, real SQLite file, real shell scripts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient, type HarmoniaClient } from '../../../src/client/client.js';
import { resolveConfig } from '../../../src/config.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

let dir: string;
let tools: string;
let store: Store;
let served: ServedHarmonia;
let client: HarmoniaClient;
const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs') });

function writeStep(version: string): void {
  writeFileSync(join(tools, 'actions', 'step.sh'), `#!/bin/sh\necho '{"version": "${version}"}'\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-pinned-'));
  tools = join(dir, 'packs', 'tools');
  mkdirSync(join(tools, 'actions'), { recursive: true });
  mkdirSync(join(tools, 'workflows'), { recursive: true });
  writeFileSync(join(tools, 'pack.yaml'), 'ref: tools\nversion: 1.0.0\n');
  writeFileSync(join(tools, 'actions', 'step.yaml'), 'runner: shell\nentry_point: step.sh\nparameters: {}\n');
  writeStep('v1');
  // Waits (in the script, not the test) until the test drops the file named by its input.
  writeFileSync(join(tools, 'actions', 'hold.yaml'), 'runner: shell\nentry_point: hold.sh\nparameters:\n  go:\n    type: string\n    required: true\n');
  writeFileSync(join(tools, 'actions', 'hold.sh'), '#!/bin/sh\ngo=$(sed -n \'s/.*"go": *"\\([^"]*\\)".*/\\1/p\')\nwhile [ ! -f "$go" ]; do sleep 0.02; done\necho \'{}\'\n');
  writeFileSync(
    join(tools, 'workflows', 'flow.yaml'),
    [
      'version: 1.0.0',
      'input:',
      '  go:',
      '    type: string',
      '    required: true',
      'tasks:',
      '  first:',
      '    action: tools.step',
      '  hold:',
      '    action: tools.hold',
      '    depends_on: [first]',
      '    input:',
      '      go: ${input.go}',
      '  second:',
      '    action: tools.step',
      '    depends_on: [hold]',
      'output:',
      '  first: ${tasks.first.output.version}',
      '  second: ${tasks.second.output.version}',
      '',
    ].join('\n'),
  );
  const config = resolveConfig({ port: 0, host: '127.0.0.1' }, env());
  store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  served = await serveHarmonia({ config, store, env: { PATH: process.env.PATH }, version: '0.0.0-test', logger: pino({ level: 'silent' }) });
  client = createClient({ baseUrl: served.url });
});

afterAll(async () => {
  await served.close();
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

/** `harmonia sync` in this process, as a CI job would run it next to the server (no API call). */
async function cliSync(): Promise<{ code: number; stderr: string }> {
  const stdout = new Output();
  const stderr = new Output();
  const ctx = createCliContext({ env: { NO_COLOR: '1', ...env() }, cwd: dir, stdout, stderr });
  const program = createProgram(ctx);
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(['sync'], { from: 'user' });
    return { code: ctx.exitCode, stderr: stderr.text };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode, stderr: stderr.text };
    throw error;
  }
}

async function startedTask(executionId: string, taskId: string): Promise<void> {
  for await (const event of client.events(executionId)) {
    if (event.event_type === 'task_started' && event.task_id === taskId) return;
  }
  throw new Error(`execution ${executionId} ended before task '${taskId}' started`);
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('pinned pack action code', () => {
  it('keeps a running execution on its version\'s scripts; a new one after the re-sync runs the new code', async () => {
    const go = join(dir, 'go-1');
    const first = await client.executeWorkflow({ workflow_ref: 'tools.flow', input: { go } });
    await startedTask(first.execution_id, 'hold');
    writeStep('v2');
    expect(await cliSync()).toMatchObject({ code: 0 });
    expect((await store.registry.getActive('action', 'tools.step'))?.version).toBe(2);
    writeFileSync(go, '');
    const done = await client.waitForCompletion(first.execution_id);
    expect(done).toMatchObject({ status: 'completed', output: { first: 'v1', second: 'v1' } });

    const second = await client.executeWorkflow({ workflow_ref: 'tools.flow', input: { go } });
    expect(await client.waitForCompletion(second.execution_id)).toMatchObject({ status: 'completed', output: { first: 'v2', second: 'v2' } });
  });

  it('runs the registered script even when the pack folder\'s copy is edited and not synced', async () => {
    writeStep('unsynced');
    const go = join(dir, 'go-2');
    writeFileSync(go, '');
    const run = await client.executeWorkflow({ workflow_ref: 'tools.flow', input: { go } });
    expect(await client.waitForCompletion(run.execution_id)).toMatchObject({ status: 'completed', output: { first: 'v2', second: 'v2' } });
    writeStep('v2');
  });

  it('records the pinned versions in the execution\'s workflow_started event', async () => {
    const go = join(dir, 'go-3');
    writeFileSync(go, '');
    const run = await client.executeWorkflow({ workflow_ref: 'tools.flow', input: { go } });
    await client.waitForCompletion(run.execution_id);
    const [started] = (await client.listEvents(run.execution_id)).events;
    const step = await store.registry.getActive('action', 'tools.step');
    const hold = await store.registry.getActive('action', 'tools.hold');
    expect(started?.event_type === 'workflow_started' ? started.data.action_versions : undefined).toEqual({ 'tools.hold': hold?.id, 'tools.step': step?.id });
  });

  it('materialises each script once under the data dir, read-only and executable', () => {
    const cached = filesUnder(join(dir, 'data', 'action-cache')).filter((path) => !path.includes(`${join('action-cache', 'tmp')}`));
    // step v1, step v2 and hold: one file per content
    expect(cached.map((path) => path.split('/').at(-1)).sort()).toEqual(['hold.sh', 'step.sh', 'step.sh']);
    for (const path of cached) expect(statSync(path).mode & 0o777).toBe(0o555);
  });

  it('sees an action and workflow synced by the CLI while it runs, without an API sync', async () => {
    writeFileSync(join(tools, 'actions', 'extra.yaml'), 'runner: shell\nentry_point: extra.sh\nparameters: {}\n');
    writeFileSync(join(tools, 'actions', 'extra.sh'), '#!/bin/sh\necho \'{"extra": true}\'\n');
    writeFileSync(join(tools, 'workflows', 'more.yaml'), 'version: 1.0.0\ntasks:\n  x:\n    action: tools.extra\noutput:\n  extra: ${tasks.x.output.extra}\n');
    expect(await cliSync()).toMatchObject({ code: 0 });
    const run = await client.executeWorkflow({ workflow_ref: 'tools.more', input: {} });
    expect(await client.waitForCompletion(run.execution_id)).toMatchObject({ status: 'completed', output: { extra: true } });
  });
});
