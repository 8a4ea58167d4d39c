/**
 * Two real `harmonia serve` processes on one PostgreSQL schema: an execution started
 * through node A is watched over SSE on node B; A is stopped with SIGTERM while a task
 * waits on a file, and B carries the execution on to completion.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import type { ServerStatusView } from '../../../src/core/wire.js';
import { parseBlock, type SseMessage } from '../server/sse-client.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

interface Stream {
  messages: SseMessage[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (message: SseMessage) => boolean): Promise<SseMessage>;
  close(): void;
}

/** Reads an SSE stream in the background, keeping every message. */
async function openStream(url: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`stream ${url} answered ${response.status}`);
  const messages: SseMessage[] = [];
  const waiters: Array<{ match: (message: SseMessage) => boolean; resolve: (message: SseMessage) => void }> = [];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const message = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!message) continue;
        messages.push(message);
        for (const waiter of [...waiters]) {
          if (!waiter.match(message)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    }
  })().catch(() => undefined);
  return {
    messages,
    waitFor: (match) =>
      new Promise((resolve) => {
        const found = messages.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      }),
    close: () => controller.abort(),
  };
}

const nodesOf = async (url: string) =>
  ((await (await fetch(`${url}/api/v1/status`)).json()) as ServerStatusView).nodes?.map((n) => [n.node_id, n.alive, n.executions]);

const body = (message: SseMessage): { event_type?: string; task_id?: string; attempt?: number; data?: { attempt?: number } } =>
  JSON.parse(message.data) as { event_type?: string; task_id?: string };

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('harmonia serve on several nodes'), () => {
  const schema = randomSchemaName();
  // Made in beforeAll: a skipped suite runs no hooks, and would leave the folder behind.
  let root = '';
  let gate = '';
  const nodes: ServeProcess[] = [];
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;

  const serve = async (name: string): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], {
      cwd: root,
      env: {
        HARMONIA_DB_URL: dbUrl,
        HARMONIA_DATA_DIR: join(root, `data-${name}`),
        HARMONIA_NODE_ID: name,
        HARMONIA_SHUTDOWN_GRACE: '500ms',
        HARMONIA_LOG_LEVEL: 'warn',
      },
    });
    nodes.push(node);
    return node;
  };

  beforeAll(() => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-nodes-'));
    gate = join(root, 'gate');
    mkdirSync(join(root, 'packs', 'gated', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'packs', 'gated', 'pack.yaml'), 'ref: gated\nversion: 1.0.0\n');
    // The task waits until the test creates the gate file; a second attempt runs wherever the execution went.
    writeFileSync(
      join(root, 'packs', 'gated', 'workflows', 'wait.yaml'),
      [
        'version: 1.0.0',
        'tasks:',
        '  wait:',
        '    action: core.shell',
        '    retry:',
        '      max_attempts: 2',
        '    input:',
        `      argv: [sh, -c, 'while [ ! -f "${gate}" ]; do sleep 0.05; done']`,
        '  after:',
        '    action: core.noop',
        '    depends_on: [wait]',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    rmSync(root, { recursive: true, force: true });
    // Stops every node (each hands its leases back) and drops the schema: slow on a loaded machine.
  }, 60_000);

  it('shows on node B the events of an execution node A runs, and B carries it on after A shuts down', async () => {
    const a = await serve('node-a');
    const b = await serve('node-b');
    expect(a.stderr()).toContain('node node-a');

    const started = await fetch(`${a.url}/api/v1/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_ref: 'gated.wait' }),
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const stream = await openStream(`${b.url}/events/executions/${id}`);
    try {
      await stream.waitFor((m) => body(m).event_type === 'task_started' && body(m).task_id === 'wait');
      // either node lists both, A holding the execution it created
      expect(await nodesOf(b.url)).toEqual([
        ['node-a', true, 1],
        ['node-b', true, 0],
      ]);

      // Node A leaves while its task waits: the task is handed back and B runs its next attempt.
      expect(await a.stop()).toBe(0);
      expect(a.stderr()).toContain('received SIGTERM');
      // a node that shut down cleanly is no longer listed
      expect((await nodesOf(b.url))?.map(([id]) => id)).toEqual(['node-b']);
      const startsOfWait = () => stream.messages.filter((m) => body(m).event_type === 'task_started' && body(m).task_id === 'wait');
      await stream.waitFor((m) => body(m).event_type === 'task_started' && body(m).task_id === 'wait' && m !== startsOfWait()[0]);
      writeFileSync(gate, '');
      const finished = await stream.waitFor((m) => (body(m).event_type ?? '').startsWith('workflow_') && body(m).event_type !== 'workflow_started');
      expect(body(finished).event_type).toBe('workflow_completed');

      const record = (await (await fetch(`${b.url}/api/v1/executions/${id}`)).json()) as { status: string };
      expect(record.status).toBe('completed');
      const seqs = stream.messages.map((m) => Number(m.id));
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      stream.close();
    }
    // Two node starts and a shutdown handing an execution over: 25 s of the default 30 on a loaded machine.
  }, 120_000);
});
