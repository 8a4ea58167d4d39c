/**
 * A task-log cursor past an execution's last stored line cannot come from a line a client
 * received: accepted, it would hold the stream silent (or the page empty) until lines caught
 * up with it, and every line below it would be lost without a word. It is refused on every
 * way in — the REST page, the SSE stream (after and Last-Event-ID) and the WebSocket — as the
 * event streams refuse theirs (stream-cursor-past-head.test.ts). Log seqs are numbered across
 * executions, so the head is the execution's own last line, not the store's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorResponse, TaskLogPage } from '../../../src/core/wire.js';
import { createClient } from '../../../src/client/index.js';
import { createHarmonia } from '../../../src/app/create-harmonia.js';
import { readSse } from './sse-client.js';
import { openServer, type ServerHarness } from './server-harness.js';

const FILES = {
  'demo/workflows/talk.yaml': ['version: 1.0.0', 'tasks:', '  say:', '    action: core.shell', '    input: { shell: true, command: "echo one; echo two" }', ''].join('\n'),
  'demo/workflows/quiet.yaml': ['version: 1.0.0', 'tasks:', '  nothing:', '    action: core.noop', ''].join('\n'),
};

let h: ServerHarness;
let talked = '';
let quiet = '';
let last = 0;
let otherLast = 0;

async function run(ref: string): Promise<string> {
  const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: ref } });
  await h.engine.waitForCompletion(started.body.execution_id);
  return started.body.execution_id;
}

beforeAll(async () => {
  h = await openServer({ files: FILES });
  talked = await run('demo.talk');
  quiet = await run('demo.quiet');
  // A later execution's lines take higher seqs: its last is past the first one's head.
  const other = await run('demo.talk');
  last = (await h.call<TaskLogPage>('GET', `/api/v1/executions/${talked}/logs`)).body.items.at(-1)?.seq ?? 0;
  otherLast = (await h.call<TaskLogPage>('GET', `/api/v1/executions/${other}/logs`)).body.items.at(-1)?.seq ?? 0;
});
afterAll(async () => {
  await h.close();
});

/** The handshake's status and, when refused, its JSON body. */
function handshake(path: string): Promise<{ status: number; body: ErrorResponse | null }> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, body: null });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ErrorResponse }));
    });
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

const refusal = (res: { status: number; body: ErrorResponse | null }) => [res.status, res.body?.error.code, res.body?.error.details];

describe('a task-log cursor past the execution\'s last line', () => {
  it('has something to test: the two executions printed, the later one with higher seqs', () => {
    expect(last).toBeGreaterThan(0);
    expect(otherLast).toBeGreaterThan(last);
  });

  it('is refused on the REST page with 400 naming the last seq', async () => {
    for (const cursor of [last + 1, otherLast]) {
      const res = await h.call<ErrorResponse>('GET', `/api/v1/executions/${talked}/logs?after=${cursor}`);
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'REQUEST_INVALID', { last }]);
      expect(res.body.error.message).toContain('log line');
    }
    const atHead = await h.call<TaskLogPage>('GET', `/api/v1/executions/${talked}/logs?after=${last}`);
    expect([atHead.status, atHead.body.items, atHead.body.next]).toEqual([200, [], null]);
  });

  it('is refused on the SSE stream, by after or Last-Event-ID, while the last line itself resumes', async () => {
    for (const options of [{ headers: { 'Last-Event-ID': String(last + 1) } }, {}]) {
      const path = 'headers' in options ? `/events/executions/${talked}/logs` : `/events/executions/${talked}/logs?after=${otherLast}`;
      const res = await h.call<ErrorResponse>('GET', path, options);
      expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'REQUEST_INVALID', { last }]);
    }
    const resumed = await readSse(`${h.url}/events/executions/${talked}/logs`, { headers: { 'Last-Event-ID': String(last) }, until: (m) => m.event === 'end' });
    expect([resumed.status, resumed.messages.filter((m) => m.event === 'log')]).toEqual([200, []]);
  });

  it('is refused at the WebSocket handshake, while the last line itself resumes', async () => {
    expect(refusal(await handshake(`/ws/executions/${talked}/logs?after=${last + 1}`))).toEqual([400, 'REQUEST_INVALID', { last }]);
    expect(refusal(await handshake(`/ws/executions/${talked}/logs?after=${otherLast}&stream=stdout`))).toEqual([400, 'REQUEST_INVALID', { last }]);
    expect((await handshake(`/ws/executions/${talked}/logs?after=${last}`)).status).toBe(101);
  });

  it('is refused for an execution that printed nothing, whose last is 0, while after=0 reads its empty log', async () => {
    expect(refusal(await handshake(`/ws/executions/${quiet}/logs?after=1`))).toEqual([400, 'REQUEST_INVALID', { last: 0 }]);
    const sse = await h.call<ErrorResponse>('GET', `/events/executions/${quiet}/logs?after=1`);
    expect([sse.status, sse.body.error.details]).toEqual([400, { last: 0 }]);
    const page = await h.call<ErrorResponse>('GET', `/api/v1/executions/${quiet}/logs?after=1`);
    expect([page.status, page.body.error.details]).toEqual([400, { last: 0 }]);
    expect((await h.call<TaskLogPage>('GET', `/api/v1/executions/${quiet}/logs?after=0`)).body.items).toEqual([]);
  });
});

describe('a task-log page read through a seq', () => {
  it('holds only the lines up to it, on the REST page, through the client and in process alike', async () => {
    const all = (await h.call<TaskLogPage>('GET', `/api/v1/executions/${talked}/logs`)).body.items;
    const first = all[0]?.seq ?? 0;
    expect(all.length).toBeGreaterThan(1);
    const rest = await h.call<TaskLogPage>('GET', `/api/v1/executions/${talked}/logs?through=${first}`);
    expect(rest.body.items.map((l) => l.seq)).toEqual([first]);
    const client = createClient({ baseUrl: h.url });
    expect((await client.readLogs(talked, { through: first })).items.map((l) => l.seq)).toEqual([first]);
    const app = createHarmonia({ store: h.store, engine: h.engine });
    expect((await app.readLogs(talked, { through: first })).items.map((l) => l.seq)).toEqual([first]);
    const bad = await h.call<ErrorResponse>('GET', `/api/v1/executions/${talked}/logs?through=-1`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
  });
});
