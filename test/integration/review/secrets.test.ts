import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { openServer, type ServerHarness } from '../server/server-harness.js';
import { readSse } from '../server/sse-client.js';

const SECRET = 'hunter2-s3cr3t';
const WORKFLOW = [
  'name: leaky',
  'version: 1.0.0',
  'input:',
  '  db_url: { type: string }',
  'tasks:',
  '  echo:',
  '    action: core.echo',
  `    input: { password: "${SECRET}", nested: { api_key: "${SECRET}" }, dsn: "\${input.db_url}" }`,
  '  call:',
  '    action: core.http',
  `    input: { url: "http://user:${SECRET}@127.0.0.1:1/", method: GET }`,
  '    depends_on: [echo]',
  '',
].join('\n');

let h: ServerHarness;
const logLines: string[] = [];
let executionId = '';

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  h = await openServer({ logger: pino({ level: 'info' }, sink) });
  const created = await h.call('POST', '/api/workflows', { text: WORKFLOW, contentType: 'application/yaml' });
  expect(created.status).toBe(201);
  // A token in the query string of a route that takes none is refused, without echoing it;
  // the access log of that request is checked below with every other line.
  const refused = await h.call('POST', `/api/executions?token=${SECRET}`, { json: { workflow_ref: 'api.leaky' } });
  expect(refused.status).toBe(400);
  expect(refused.text).not.toContain(SECRET);
  const started = await h.call<{ id: string }>('POST', '/api/executions', {
    json: { workflow_ref: 'api.leaky', input: { db_url: `postgres://app:${SECRET}@db.internal/app` } },
  });
  expect(started.status).toBe(201);
  executionId = started.body.id;
  await h.engine.waitForCompletion(executionId);
});
afterAll(async () => {
  await h.close();
});

describe('secrets in a failed execution', () => {
  it('fails the http task with a clear error that does not quote the password', async () => {
    const detail = await h.call<{ status: string; task_statuses: Record<string, { status: string; error: { type: string; message: string } | null }> }>(
      'GET',
      `/api/executions/${executionId}`,
    );
    expect(detail.body.status).toBe('failed');
    expect(detail.body.task_statuses.call?.error?.type).toBe('ACTION_INPUT_INVALID');
    expect(detail.body.task_statuses.call?.error?.message).toContain('embeds credentials');
    expect(detail.text).not.toContain(SECRET);
  });

  it('keeps the password out of every REST view of the execution', async () => {
    for (const path of ['', '/summary', '/metrics', '/events', '/state']) {
      const response = await h.call('GET', `/api/executions/${executionId}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.text, path).not.toContain(SECRET);
    }
    const list = await h.call('GET', '/api/executions');
    expect(list.text).not.toContain(SECRET);
  });

  it('keeps the password out of the task error even in the stored events', async () => {
    const events = await h.engine.readEvents(executionId, 0);
    const failures = events.filter((e) => e.event_type === 'task_failed' || e.event_type === 'workflow_failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain(SECRET);
  });

  it('keeps the password out of the SSE stream', async () => {
    const result = await readSse(`${h.url}/events/executions/${executionId}`, { until: (m) => m.event === 'workflow_failed' });
    expect(result.messages.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.messages)).not.toContain(SECRET);
  });

  it('keeps the password out of the WebSocket stream', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${executionId}`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        received.push(String(data));
        if (String(data).includes('workflow_failed')) {
          ws.close();
          resolve();
        }
      });
      ws.on('error', reject);
    });
    expect(received.length).toBeGreaterThan(0);
    expect(received.join('\n')).not.toContain(SECRET);
  });

  it('keeps the password out of the server log', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(SECRET);
  });
});
