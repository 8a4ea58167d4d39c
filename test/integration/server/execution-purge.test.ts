/**
 * POST /api/executions/purge on a real server and SQLite file: what goes, what stays, a
 * follower of a purged execution, and a purge racing a new execution of the same workflow.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionView, PurgeExecutionsResult } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';
import { readSse } from './sse-client.js';
import { WebSocket } from 'ws';

const LONG_AGO = '2020-01-01T00:00:00.000Z';

let h: ServerHarness;
beforeEach(async () => {
  h = await openServer();
});
afterEach(async () => {
  await h.close();
});

async function run(): Promise<string> {
  const res = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } });
  expect(res.status).toBe(201);
  await h.engine.waitForCompletion(res.body.execution_id);
  return res.body.execution_id;
}

/** Moves an execution's finish back in time, as though it had ended long ago. */
async function age(id: string): Promise<void> {
  await h.store.executions.updateExecution(id, { finished_at: LONG_AGO });
}

const purge = (json: Record<string, unknown>) => h.call<PurgeExecutionsResult>('POST', '/api/executions/purge', { json });

describe('POST /api/executions/purge', () => {
  it('lists on a dry run what a purge then deletes, and keeps the young', async () => {
    const old = await run();
    const young = await run();
    await age(old);
    const dry = await purge({ older_than: '30d', dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, executions: 1, sub_workflows: 0, kept_unfinished: 0, truncated: false });
    expect(dry.body.items.map((item) => item.id)).toEqual([old]);
    expect(dry.body.events).toBe((await h.engine.readEvents(old, 0)).length);
    expect((await h.call('GET', `/api/executions/${old}`)).status).toBe(200);

    const done = await purge({ older_than: '30d' });
    expect(done.body).toMatchObject({ dry_run: false, executions: 1, events: dry.body.events });
    expect((await h.call('GET', `/api/executions/${old}`)).status).toBe(404);
    expect((await h.call('GET', `/api/executions/${old}/events`)).status).toBe(404);
    expect((await h.call('GET', `/api/executions/${old}/logs`)).status).toBe(404);
    expect((await h.call('GET', `/api/executions/${young}`)).status).toBe(200);
  });

  it('lets an Idempotency-Key start anew once its execution is purged: a key lasts as long as its execution', async () => {
    const headers = { 'Idempotency-Key': 'deploy-42' };
    const first = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' }, headers });
    await h.engine.waitForCompletion(first.body.execution_id);
    expect((await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' }, headers })).status).toBe(200);
    await age(first.body.execution_id);
    expect((await purge({ older_than: '1d' })).body.executions).toBe(1);
    const again = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' }, headers });
    expect(again.status).toBe(201);
    expect((await h.engine.waitForCompletion(again.body.execution_id)).status).toBe('completed');
    expect((await h.engine.readEvents(again.body.execution_id, 0))[0]?.seq).toBe(1);
  });

  it('refuses an age that is no duration and a status that is not a finished one, with 400', async () => {
    const bad = await purge({ older_than: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    expect((await purge({ older_than: '1d', status: ['running'] })).status).toBe(400);
    expect((await purge({})).status).toBe(400);
  });

  it('ends a follower of a purged execution with a close event, and a reconnect gets 404', async () => {
    const old = await run();
    await age(old);
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const following = readSse(`${h.url}/events/executions/${old}`, { onOpen: opened, until: (m) => m.event === 'close' });
    await open;
    await purge({ older_than: '1d' });
    const { messages } = await following;
    expect(messages.at(-1)).toMatchObject({ event: 'close' });
    expect(JSON.parse(messages.at(-1)?.data ?? '{}')).toMatchObject({ reason: 'execution deleted (retention)' });
    const again = await readSse(`${h.url}/events/executions/${old}`, { headOnly: true, until: () => true });
    expect(again.status).toBe(404);
  });

  it('ends a WebSocket follower of a purged execution with a close message and a normal close; a reconnect gets 404', async () => {
    const old = await run();
    await age(old);
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${old}`);
    const messages: Array<Record<string, unknown>> = [];
    let caughtUp!: () => void;
    const replayed = new Promise<void>((resolve) => (caughtUp = resolve));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(message);
      if (message.event_type === 'workflow_completed') caughtUp();
    });
    await replayed;
    await purge({ older_than: '1d' });
    expect(await closed).toBe(1000);
    expect(messages.at(-1)).toMatchObject({ type: 'close', reason: 'execution deleted (retention)' });
    const again = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${old}`);
    const status = await new Promise<number>((resolve) => again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });

  it('leaves a running execution, and a new one of the same workflow started during the purge, whole', async () => {
    const gate = createGate();
    await h.close();
    h = await openServer({ actions: { 'test.gate': gate.action } });
    await registerDirect(h.store, 'purge.gated', workflowBody([{ id: 'wait', action: 'test.gate' }]));
    const olds = [await run(), await run(), await run()];
    for (const id of olds) await age(id);
    const running = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'purge.gated' } });
    await gate.entered;
    const [purged, started] = await Promise.all([
      purge({ older_than: '0s' }),
      h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello' } }),
    ]);
    expect(purged.body.items.map((item) => item.id).filter((id) => olds.includes(id)).sort()).toEqual([...olds].sort());
    expect(purged.body.items.map((item) => item.id)).not.toContain(running.body.execution_id);
    const finished = await h.engine.waitForCompletion(started.body.execution_id);
    expect(finished.status).toBe('completed');
    expect((await h.engine.readEvents(started.body.execution_id, 0)).at(-1)?.event_type).toBe('workflow_completed');
    expect((await h.call<ExecutionView>('GET', `/api/executions/${running.body.execution_id}`)).body.status).toBe('running');
    gate.open();
    expect((await h.engine.waitForCompletion(running.body.execution_id)).status).toBe('completed');
  });
});
