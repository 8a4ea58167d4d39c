/**
 * Task logs across nodes: a task run by one PostgreSQL node prints lines that a client
 * following the log on another node's server sees live. Skipped, with a name that says so,
 * when HARMONIA_TEST_DATABASE_URL is unset.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, it, expect } from 'vitest';
import { WebSocket } from 'ws';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createNode, type ClusterNode } from '../../../src/cluster/index.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { readSse } from './sse-client.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('task logs across nodes'), () => {
  const db = usePgSchema();
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('streams a line printed on one node to a follower on another, live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-lognodes-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const gate = join(dir, 'go');
    const nodes: ClusterNode[] = [];
    for (const name of ['runner', 'reader']) {
      const store = await db.openStore();
      const node = createNode({ store, node_id: name, actions: createActionRegistry({ packs: () => null }), claim_interval_ms: 50 });
      await node.start();
      nodes.push(node);
      closers.push(() => node.close({ grace_ms: 0 }));
    }
    const [runner, reader] = nodes as [ClusterNode, ClusterNode];
    const store = await db.openStore();
    await store.registry.addVersion({
      kind: 'workflow', ref: 'demo.talk', pack_ref: 'demo', content_hash: 'talk', source: '', file: 'workflows/talk.yaml', origin: { source: 'local' },
      body: workflowBody([{ id: 'talk', action: 'core.shell', input: { shell: true, command: `echo before; while [ ! -f '${gate}' ]; do sleep 0.02; done; echo after` } }]),
    });
    const server: RunningServer = await startServer({
      store,
      engine: reader.engine,
      packs: createPackSyncService({ store, packsDir: dir }),
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
    closers.push(() => server.close());

    const run = await runner.engine.startExecution({ workflow_ref: 'demo.talk' });
    const first = await readSse(`${server.url}/events/executions/${run.id}/logs`, { until: (m) => m.event === 'log' });
    expect(JSON.parse(first.messages.find((m) => m.event === 'log')?.data ?? '{}')).toMatchObject({ task_id: 'talk', stream: 'stdout', line: 'before' });
    writeFileSync(gate, '');
    const rest = await readSse(`${server.url}/events/executions/${run.id}/logs`, {
      headers: { 'Last-Event-ID': first.messages.find((m) => m.event === 'log')?.id ?? '0' },
      until: (m) => m.event === 'end',
    });
    expect(rest.messages.filter((m) => m.event === 'log').map((m) => JSON.parse(m.data).line)).toEqual(['after']);

    // A cursor past the execution's last line is refused, page, SSE and WebSocket alike, naming the last.
    await reader.engine.waitForCompletion(run.id);
    const last = Number(rest.messages.filter((m) => m.event === 'log').at(-1)?.id ?? 0);
    expect(last).toBeGreaterThan(0);
    for (const path of [`/api/v1/executions/${run.id}/logs?after=${last + 1}`, `/events/executions/${run.id}/logs?after=${last + 1}`]) {
      const res = await fetch(`${server.url}${path}`);
      expect([path, res.status, ((await res.json()) as { error: { details: unknown } }).error.details]).toEqual([path, 400, { last }]);
    }
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/executions/${run.id}/logs?after=${last + 1}`);
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.on('error', (error) => {
        if (!String(error.message).includes('Unexpected server response')) reject(error);
      });
    });
    expect(refused).toBe(400);
    const atHead = await fetch(`${server.url}/api/v1/executions/${run.id}/logs?after=${last}`);
    expect([atHead.status, ((await atHead.json()) as { items: unknown[] }).items]).toEqual([200, []]);
  });
});
