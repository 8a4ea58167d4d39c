/**
 * `harmonia serve` whose stdout nobody reads (a stuck supervisor, a paused `| less`): its
 * log lines must not stall the event loop. The real bin, a real pipe, real HTTP; the test's
 * own timeout is the only bound (the server answering, or not, is the event awaited).
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import { assertBuilt, makeTree, removeTree } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n',
  'packs/demo/workflows/quick.yaml': 'version: 1.0.0\ntasks:\n  hello:\n    action: core.shell\n    input:\n      argv: [echo, hello]\n',
  'packs/demo/workflows/gate.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  first:',
    '    action: core.shell',
    '    input:',
    '      argv: [echo, first]',
    '  gate:',
    '    action: core.signal',
    '    depends_on: [first]',
    '    input:',
    '      name: go',
    '  after:',
    '    action: core.shell',
    '    depends_on: [gate]',
    '    input:',
    '      argv: [echo, after]',
    '',
  ].join('\n'),
};

let dir = '';
let served: ServeProcess | undefined;
afterEach(async () => {
  // A server stuck on its stdout ignores SIGTERM: the test has failed by then, so no grace.
  if (served?.child.exitCode === null) served.child.kill('SIGKILL');
  await served?.stop();
  served = undefined;
  if (dir) removeTree(dir);
  dir = '';
});

const env = (): Record<string, string> => ({
  HARMONIA_DATA_DIR: join(dir, 'data'),
  HARMONIA_PACKS_DIR: join(dir, 'packs'),
  HARMONIA_SHUTDOWN_GRACE: '0',
});
// A small backlog fills sooner; the readers that keep up get the default.
const SMALL_BUFFER = { HARMONIA_LOG_BUFFER_SIZE: '64KiB' };

// Every request logs its URL: a few hundred of these outgrow any pipe's buffer.
const LONG_PATH = `/api/v1/no-such-route/${'x'.repeat(8000)}`;

/** harmonia_log_lines_dropped_total from /metrics (0 when absent). */
async function droppedLines(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^harmonia_log_lines_dropped_total (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Requests with long URLs until the server says it drops log lines: its stdout is full. */
async function fillStdout(url: string): Promise<number> {
  for (;;) {
    for (let i = 0; i < 16; i++) expect((await fetch(`${url}${LONG_PATH}`)).status).toBe(404);
    const dropped = await droppedLines(url);
    if (dropped > 0) return dropped;
  }
}

async function untilEvent(client: HarmoniaClient, id: string, type: string): Promise<void> {
  for await (const event of client.events(id)) if (event.event_type === type) return;
  throw new Error(`execution ${id} ended without ${type}`);
}

/** The JSON log lines of a stdout text; throws on a line that is not whole JSON. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('harmonia serve with a stalled stdout', () => {
  it('keeps answering, runs executions and shuts down gracefully on SIGTERM while nobody reads its stdout', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    served = await startServeProcess(['--port', '0'], { cwd: dir, env: { ...env(), ...SMALL_BUFFER, HARMONIA_LOG_FLUSH_TIMEOUT: '100ms' }, stdout: 'hold' });
    const client = createClient({ baseUrl: served.url });
    const gated = await client.executeWorkflow({ workflow_ref: 'demo.gate' });
    await untilEvent(client, gated.id, 'task_waiting');

    expect(await fillStdout(served.url)).toBeGreaterThan(0);

    // (a) still answering, and executions still run to their end
    expect((await fetch(`${served.url}/api/v1/executions/${gated.id}`)).status).toBe(200);
    const quick = await client.executeWorkflow({ workflow_ref: 'demo.quick' });
    expect((await client.waitForCompletion(quick.id)).status).toBe('completed');

    // (b) SIGTERM: the graceful shutdown, and an exit, though the pipe stays full
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).toContain('received SIGTERM: shutting down');
    expect(served.stderr()).not.toContain('shutdown failed');
    // Lines are dropped whole: what got through is all JSON, but for the one line the pipe
    // had taken part of when the process exited.
    const held = await served.allStdout();
    expect(jsonLines(held.slice(0, held.lastIndexOf('\n') + 1)).length).toBeGreaterThan(0);

    // (c) nothing lost: the next start carries the waiting execution on
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    const next = createClient({ baseUrl: served.url });
    expect((await next.getWorkflowStatus(quick.id)).status).toBe('completed');
    await next.signal(gated.id, 'go', { ok: true });
    const done = await next.waitForCompletion(gated.id);
    expect(done.status).toBe('completed');
    // Each task completed once: `first`, done before the restart, was not run again.
    const page = await next.listEvents(gated.id, { limit: 1000 });
    const ofType = (type: string) => page.events.filter((e) => e.event_type === type).map((e) => e.task_id).sort();
    expect(ofType('task_completed')).toEqual(['after', 'first', 'gate']);
    expect(ofType('task_started').filter((task) => task === 'first')).toEqual(['first']);
  }, 60_000);

  it('says how many lines it dropped once its stalled reader catches up', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    served = await startServeProcess(['--port', '0'], { cwd: dir, env: { ...env(), ...SMALL_BUFFER }, stdout: 'hold' });
    await fillStdout(served.url);
    served.readStdout();
    const text = await served.waitForStdout(/log lines dropped while stdout was blocked.*\n/);
    const line = jsonLines(text).find((l) => typeof l.msg === 'string' && l.msg.endsWith('log lines dropped while stdout was blocked'));
    const total = await droppedLines(served.url);
    expect(line).toMatchObject({ level: 40, dropped_lines: total, msg: `${total} log lines dropped while stdout was blocked` });
  });

  it('loses no line when its reader keeps up', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    const ids = await sendTagged(served.url, 200);
    expect(await served.stop()).toBe(0);
    const logged = new Set(jsonLines(await served.allStdout()).map((l) => l.request_id));
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
  });

  it('loses no line when its stdout is a file', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    const file = join(dir, 'serve.log');
    const fd = openSync(file, 'w');
    try {
      served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env(), stdout: fd });
    } finally {
      closeSync(fd);
    }
    const ids = await sendTagged(served.url, 200);
    expect(await served.stop()).toBe(0);
    const lines = jsonLines(readFileSync(file, 'utf8'));
    const logged = new Set(lines.map((l) => l.request_id));
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
    expect(lines.at(-1)?.msg).toBe('harmonia stopped');
  });

  it('keeps serving when its stdout reader goes away', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: { ...env(), ...SMALL_BUFFER }, stdout: 'hold' });
    served.child.stdout?.destroy();
    // Enough lines to meet the closed pipe (EPIPE) whatever the pipe held.
    await sendTagged(served.url, 50);
    await fillStdout(served.url);
    expect((await fetch(`${served.url}/health`)).status).toBe(200);
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).toContain('received SIGTERM: shutting down');
  });
});

/** Sends `count` long requests, each with its own X-Request-Id; resolves with the ids. */
async function sendTagged(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `tagged-${i}`;
    ids.push(id);
    expect((await fetch(`${url}${LONG_PATH}`, { headers: { 'X-Request-Id': id } })).status).toBe(404);
  }
  return ids;
}
