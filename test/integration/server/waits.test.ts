import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import { resolveConfig } from '../../../src/config.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { appInternals } from '../../../src/server/app.js';
import { serveHarmonia } from '../../../src/server/serve.js';
import type { RunningServer } from '../../../src/server/start-server.js';
import { createToken } from '../../../src/server/tokens.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const TOKENS = 'admin-tok,writer-tok:read+write,reader-tok:read,approver-tok:approve';

let dir: string;
let store: Store | null = null;
let running: RunningServer | null = null;
let aliceToken = '';

function writePack(): void {
  const pack = join(dir, 'packs', 'ops');
  mkdirSync(join(pack, 'workflows'), { recursive: true });
  writeFileSync(join(pack, 'pack.yaml'), 'ref: ops\nversion: 1.0.0\n');
  writeFileSync(
    join(pack, 'workflows', 'release.yaml'),
    [
      'version: 1.0.0',
      'tasks:',
      '  paid:',
      '    action: core.signal',
      '    input: { name: payment_received, timeout: 7d }',
      '  review:',
      '    action: core.approval',
      '    input: { message: "ship it?", approvers: [alice], expires_in: 2d }',
      '  ship:',
      '    action: core.echo',
      '    depends_on: [paid, review]',
      '    input: { amount: "${tasks.paid.output.amount}", by: "${tasks.review.output.by}" }',
      'output:',
      '  amount: "${tasks.ship.output.amount}"',
      '  by: "${tasks.ship.output.by}"',
      '',
    ].join('\n'),
  );
}

async function serve(): Promise<{ url: string; waitFor: (match: (e: ExecutionEvent) => boolean) => Promise<ExecutionEvent> }> {
  store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const config = resolveConfig(
    { port: 0, host: '127.0.0.1' },
    { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_API_TOKENS: TOKENS },
  );
  running = await serveHarmonia({ config, store, env: { PATH: process.env.PATH }, version: '1.0.0', logger: pino({ level: 'silent' }) });
  const { engine } = appInternals(running.app).services;
  const waitFor = (match: (e: ExecutionEvent) => boolean): Promise<ExecutionEvent> =>
    new Promise((resolve) => {
      const off = engine.bus.subscribe({}, (event) => {
        if (match(event)) {
          off();
          resolve(event);
        }
      });
    });
  return { url: running.url, waitFor };
}

async function stop(): Promise<void> {
  await running?.close();
  running = null;
  await store?.close();
  store = null;
}

const client = (url: string, token: string): HarmoniaClient => createClient({ baseUrl: url, token });
const waiting = (task: string) => (e: ExecutionEvent) => e.event_type === 'task_waiting' && e.task_id === task;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-waits-'));
  mkdirSync(join(dir, 'data'), { recursive: true });
  aliceToken = createToken(join(dir, 'data', 'tokens.json'), { scopes: ['approve'], label: 'alice' }).token;
  writePack();
});
afterEach(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('signals and approvals over HTTP', () => {
  it('enforces scopes: signals need write; deciding needs the approve scope and a listed approver', async () => {
    const { url, waitFor } = await serve();
    const both = Promise.all([waitFor(waiting('paid')), waitFor(waiting('review'))]);
    const run = await client(url, 'writer-tok').executeWorkflow({ workflow_ref: 'ops.release' });
    const id = run.execution_id;
    await both;

    const post = (path: string, token: string, body: unknown) =>
      fetch(`${url}/api/v1/executions/${id}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/signals/payment_received', 'reader-tok', {})).status).toBe(403);
    expect((await post('/approvals/review', 'reader-tok', { decision: 'approve' })).status).toBe(403);
    const writer = await post('/approvals/review', 'writer-tok', { decision: 'approve' });
    expect(writer.status).toBe(403);
    expect(((await writer.json()) as { error: { code: string } }).error.code).toBe('AUTH_FORBIDDEN');
    const unlisted = await post('/approvals/review', 'approver-tok', { decision: 'approve' });
    expect(unlisted.status).toBe(403);
    expect(((await unlisted.json()) as { error: { message: string } }).error.message).toContain('not one of the approvers');
    expect((await post('/approvals/review', aliceToken, { decision: 'maybe' })).status).toBe(400);
    expect((await post('/approvals/nope', aliceToken, { decision: 'approve' })).status).toBe(400);

    const pending = await client(url, aliceToken).listApprovals();
    expect(pending.items).toMatchObject([{ execution_id: id, task_id: 'review', approvers: ['alice'], message: 'ship it?', workflow_ref: 'ops.release' }]);
    expect((await client(url, 'reader-tok').getWaits(id)).waits.map((w) => w.task_id).sort()).toEqual(['paid', 'review']);

    await client(url, 'writer-tok').signal(id, 'payment_received', { amount: 42 });
    const decided = await client(url, aliceToken).approve(id, 'review', { comment: 'go' });
    expect(decided).toMatchObject({ task_id: 'review', decision: 'approve' });
    const done = await client(url, 'reader-tok').waitForCompletion(id);
    expect(done.status).toBe('completed');
    expect(done.output).toMatchObject({ amount: 42, by: decided.by });
    expect((await post('/signals/payment_received', 'writer-tok', {})).status).toBe(409);
    expect((await fetch(`${url}/api/v1/executions/unknown/signals/x`, { method: 'POST', headers: { authorization: 'Bearer writer-tok' } })).status).toBe(404);
  });

  it('carries a signal wait and an approval across a server restart', async () => {
    let server = await serve();
    const both = Promise.all([server.waitFor(waiting('paid')), server.waitFor(waiting('review'))]);
    const run = await client(server.url, 'admin-tok').executeWorkflow({ workflow_ref: 'ops.release' });
    await both;
    await stop();

    server = await serve();
    const id = run.execution_id;
    expect((await client(server.url, 'admin-tok').getWaits(id)).waits.map((w) => w.task_id).sort()).toEqual(['paid', 'review']);
    await client(server.url, 'admin-tok').signal(id, 'payment_received', { amount: 7 });
    await stop();

    server = await serve();
    expect((await client(server.url, 'admin-tok').getWaits(id)).waits.map((w) => w.task_id)).toEqual(['review']);
    await client(server.url, aliceToken).reject(id, 'review', { comment: 'not now' });
    const done = await client(server.url, 'admin-tok').waitForCompletion(id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'REJECTED' });
    const events = await client(server.url, 'admin-tok').listEvents(id);
    expect(events.events.filter((e) => e.event_type === 'approval_decided')).toMatchObject([{ task_id: 'review', data: { decision: 'reject', comment: 'not now' } }]);
  });
});
