/**
 * Through the real server: a task encodes a secret input before it shows it — base64 alone or
 * inside an HTTP Basic header at each byte alignment, base64url, percent-encoded, JSON- or
 * XML-escaped — in its log lines, its output and its error message. No REST answer, task-log
 * page, SSE or WebSocket frame (live or caught up) and no stored event shows any of those forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { MASK } from '../../../src/core/secret-text.js';
import { DERIVED_SECRET, derivedForms } from '../../fixtures/secret-forms.mjs';
import { openServer, type ServerHarness } from '../server/server-harness.js';
import { readSse, type SseResult } from '../server/sse-client.js';

const SCRIPT = resolve(import.meta.dirname, '../../fixtures/secret-forms.mjs');
const MODES = ['log', 'output', 'error'] as const;
const WORKFLOW = [
  'version: 1.0.0',
  'name: leak',
  'input:',
  '  pw: { type: string, secret: true }',
  '  mode: { type: string }',
  'tasks:',
  '  leak:',
  '    action: core.shell',
  `    input: { argv: [node, ${JSON.stringify(SCRIPT)}, "\${input.mode}"], env: { PW: "\${input.pw}" } }`,
  'output:',
  '  leaked: ${tasks.leak.output}',
  '',
].join('\n');

let h: ServerHarness;
const ids: Record<string, string> = {};
// The whole server's SSE stream, open before the executions start: the live frames.
let live: Promise<SseResult>;

/** Every string (key or value) a reader of `value` sees, decoded: a JSON-escaped form is escaped again in JSON text. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value)
    .map(([key, inner]) => `${key}\u0000${shown(inner)}`)
    .join('\u0000');
}

function expectNoForm(value: unknown, where: string): void {
  const text = shown(value);
  for (const [name, form] of Object.entries(derivedForms(DERIVED_SECRET))) expect(text, `${where} shows ${name}`).not.toContain(form);
  expect(text, `${where} shows the secret`).not.toContain(DERIVED_SECRET);
}

/** The JSON frames a WebSocket sends until `last` matches one. */
async function wsFrames(path: string, last: (frame: Record<string, unknown>) => boolean): Promise<unknown[]> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`);
  const frames: unknown[] = [];
  await new Promise<void>((done, fail) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      frames.push(frame);
      if (last(frame)) {
        ws.close();
        done();
      }
    });
    ws.on('error', fail);
  });
  return frames;
}

const isEnd = (frame: Record<string, unknown>): boolean => JSON.stringify(frame).includes('"workflow_completed"') || JSON.stringify(frame).includes('"workflow_failed"');

beforeAll(async () => {
  h = await openServer({ files: { 'leaks/pack.yaml': 'ref: leaks\nversion: 1.0.0\n', 'leaks/workflows/leak.yaml': WORKFLOW } });
  const synced = await h.call('POST', '/api/packs/leaks/workflows/sync');
  expect(synced.status, synced.text).toBe(200);
  let opened!: () => void;
  const open = new Promise<void>((resolveOpen) => (opened = resolveOpen));
  live = readSse(`${h.url}/events`, { until: (message) => message.event === 'workflow_failed', onOpen: () => opened() });
  await open;
  for (const mode of MODES) {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'leaks.leak', input: { pw: DERIVED_SECRET, mode } } });
    expect(started.status, started.text).toBe(201);
    expectNoForm(started.body, 'the start answer');
    ids[mode] = started.body.id;
    await h.engine.waitForCompletion(started.body.id);
  }
});
afterAll(async () => {
  await h.close();
});

describe('a secret input a task shows in derived forms, through the server', () => {
  it('ran the task: its log, output and error came through, masked', async () => {
    const logs = await h.call<{ items: { line: string }[] }>('GET', `/api/executions/${ids.log}/logs`);
    expect(logs.body.items.length).toBeGreaterThan(10);
    expect(shown(logs.body)).toContain(MASK);
    const output = await h.call<{ status: string; output: unknown }>('GET', `/api/executions/${ids.output}`);
    expect(output.body.status).toBe('completed');
    expect(shown(output.body.output)).toContain(MASK);
    const failed = await h.call<{ status: string; error: unknown }>('GET', `/api/executions/${ids.error}`);
    expect(failed.body.status).toBe('failed');
    expect(shown(failed.body.error)).toContain('could not log in');
  });

  it('shows none of them in any REST answer or task-log page', async () => {
    for (const mode of MODES) {
      for (const path of ['', '/summary', '/metrics', '/events', '/logs', '/state']) {
        const response = await h.call('GET', `/api/executions/${ids[mode]}${path}`);
        expect(response.status, path).toBe(200);
        expectNoForm(response.body, `GET ${path || '/'} of the ${mode} run`);
      }
    }
    expectNoForm((await h.call('GET', '/api/executions')).body, 'the execution list');
  });

  it('stores no event showing them', async () => {
    for (const mode of MODES) expectNoForm(await h.store.executions.readEvents(ids[mode] as string), `the ${mode} run's stored events`);
  });

  it('sends none of them in live SSE frames', async () => {
    const frames = await live;
    expect(frames.messages.some((message) => message.event === 'task_completed')).toBe(true);
    expectNoForm(frames.messages.map((message) => JSON.parse(message.data) as unknown), 'the live SSE stream');
  });

  it('sends none of them in caught-up SSE and WebSocket frames, events and task log', async () => {
    for (const mode of MODES) {
      const id = ids[mode] as string;
      const events = await readSse(`${h.url}/events/executions/${id}`, { until: (message) => message.event === 'workflow_completed' || message.event === 'workflow_failed' });
      expectNoForm(events.messages.map((message) => JSON.parse(message.data) as unknown), `SSE events of the ${mode} run`);
      const logs = await readSse(`${h.url}/events/executions/${id}/logs`, { until: (message) => message.event === 'end' });
      expect(logs.messages.length).toBeGreaterThan(1);
      expectNoForm(logs.messages.map((message) => JSON.parse(message.data) as unknown), `SSE log of the ${mode} run`);
      expectNoForm(await wsFrames(`/ws/executions/${id}`, isEnd), `WebSocket events of the ${mode} run`);
      expectNoForm(await wsFrames(`/ws/executions/${id}/logs`, (frame) => frame.type === 'end'), `WebSocket log of the ${mode} run`);
    }
  });
});
