/**
 * Masking by value: a `secret: true` input, an allow-listed secret environment variable and
 * a credential a task sends in an `authorization` header never appear on any surface —
 * REST views, stored events, checkpoints and state, SSE, WebSocket, logs, errors — while the
 * task itself receives the real values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import type { ActionHandler } from '../../../src/actions/action.js';
import { createToken, type Scope } from '../../../src/server/tokens.js';
import { startServer, type TestServer } from '../actions/http-server.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { openServer, registerDirect, type ServerHarness } from '../server/server-harness.js';
import { readSse } from '../server/sse-client.js';

const INPUT_SECRET = 'in-put-s3cr3t-7731';
const ENV_SECRET = 'env-s3cr3t-deploy-5512';
const HEADER_SECRET = 'hdr-s3cr3t-0042';
const ALL = [INPUT_SECRET, ENV_SECRET, HEADER_SECRET];

function workflow(echoUrl: string): string {
  return [
    'name: secretive',
    'version: 1.0.0',
    'input:',
    '  db: { type: string, secret: true }',
    '  port: { type: integer, secret: true, required: false }',
    'tasks:',
    '  echo:',
    '    action: core.echo',
    '    input: { message: "connect with ${input.db} and ${env.DEPLOY_KEY}" }',
    '  call:',
    '    action: core.http',
    `    input: { url: "${echoUrl}/x?db=\${input.db}", method: POST, headers: { authorization: "Bearer ${HEADER_SECRET}", x-note: "\${input.db}" }, body: { k: "\${env.DEPLOY_KEY}" } }`,
    '    depends_on: [echo]',
    'output:',
    '  said: ${tasks.echo.output.message}',
    '',
  ].join('\n');
}

let h: ServerHarness;
let echo: TestServer;
const logLines: string[] = [];
let executionId = '';

function expectClean(text: string, where: string): void {
  for (const secret of ALL) expect(text, `${where} holds ${secret}`).not.toContain(secret);
}

beforeAll(async () => {
  // Echoes the request back, headers included: the response carries every secret.
  echo = await startServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ seen: request }));
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  h = await openServer({
    logger: pino({ level: 'info' }, sink),
    engine: { env_allowlist: ['DEPLOY_KEY'], secret_env: ['DEPLOY_KEY'] },
    env: { DEPLOY_KEY: ENV_SECRET },
  });
  const created = await h.call('POST', '/api/workflows', { text: workflow(echo.url), contentType: 'application/yaml' });
  expect(created.status, created.text).toBe(201);
  const started = await h.call<{ id: string; input: Record<string, unknown> }>('POST', '/api/executions', {
    json: { workflow_ref: 'api.secretive', input: { db: INPUT_SECRET } },
  });
  expect(started.status).toBe(201);
  expectClean(started.text, 'the start response');
  executionId = started.body.id;
  await h.engine.waitForCompletion(executionId);
  const checkpoint = await h.call('POST', '/api/checkpoints', { json: { execution_id: executionId } });
  expect(checkpoint.status).toBe(201);
  expectClean(checkpoint.text, 'the checkpoint response');
});
afterAll(async () => {
  await h.close();
  await echo.close();
});

describe('secret values in a completed execution', () => {
  it('gave the tasks the real values', () => {
    const seen = echo.requests[0];
    expect(seen?.headers.authorization).toBe(`Bearer ${HEADER_SECRET}`);
    expect(seen?.headers['x-note']).toBe(INPUT_SECRET);
    expect(seen?.body).toContain(ENV_SECRET);
    expect(seen?.url).toContain(INPUT_SECRET);
  });

  it('keeps them out of every REST view', async () => {
    const detail = await h.call<{ status: string }>('GET', `/api/executions/${executionId}`);
    expect(detail.body.status).toBe('completed');
    for (const path of ['', '/summary', '/metrics', '/events', '/state']) {
      const response = await h.call('GET', `/api/executions/${executionId}${path}`);
      expect(response.status, path).toBe(200);
      expectClean(response.text, path);
    }
    expectClean((await h.call('GET', '/api/executions')).text, 'the execution list');
    expectClean((await h.call('GET', `/api/checkpoints?execution_id=${executionId}`)).text, 'the checkpoint list');
  });

  it('stores events, the execution row and checkpoints masked', async () => {
    expectClean(JSON.stringify(await h.store.executions.readEvents(executionId)), 'stored events');
    expectClean(JSON.stringify(await h.store.executions.getExecution(executionId)), 'the stored row');
    expectClean(JSON.stringify(await h.store.executions.listCheckpoints(executionId)), 'stored checkpoints');
  });

  it('keeps them out of the SSE stream', async () => {
    const result = await readSse(`${h.url}/events/executions/${executionId}`, { until: (m) => m.event === 'workflow_completed' });
    expect(result.messages.length).toBeGreaterThan(0);
    expectClean(JSON.stringify(result.messages), 'SSE');
  });

  it('keeps them out of the WebSocket stream', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${executionId}`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        received.push(String(data));
        if (String(data).includes('workflow_completed')) {
          ws.close();
          resolve();
        }
      });
      ws.on('error', reject);
    });
    expectClean(received.join('\n'), 'WebSocket');
  });

  it('keeps them out of the server log', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expectClean(logLines.join(''), 'the log');
  });
});

describe('secret values in errors', () => {
  it('does not quote a secret input in EXEC_INPUT_INVALID', async () => {
    const response = await h.call<{ error: { code: string; message: string } }>('POST', '/api/executions', {
      json: { workflow_ref: 'api.secretive', input: { db: INPUT_SECRET, port: `p-${INPUT_SECRET}` } },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('EXEC_INPUT_INVALID');
    expect(response.body.error.message).toBe("input 'port' must be of type integer, got string **REDACTED**");
    expectClean(response.text, 'the error');
  });
});

describe('a secret in a live execution', () => {
  it('is masked in the view of an execution still running in memory', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', {
      json: { workflow_ref: 'api.secretive', input: { db: `${INPUT_SECRET}-live` } },
    });
    expect(started.status).toBe(201);
    // Read before completion and after: neither shows it.
    expectClean((await h.call('GET', `/api/executions/${started.body.id}`)).text, 'the live view');
    await h.engine.waitForCompletion(started.body.id);
    expectClean((await h.call('GET', `/api/executions/${started.body.id}`)).text, 'the finished view');
  });
});

describe('a secret input after the execution is folded from its stored events', () => {
  it('reaches the task again when a failed execution is retried', async () => {
    const seen: unknown[] = [];
    const flaky: ActionHandler = {
      run: async (input) => {
        seen.push(input.value);
        return seen.length === 1
          ? { status: 'error', error_type: 'ACTION_FAILED', error_message: 'first attempt fails', is_retriable: false }
          : { status: 'success', data: {} };
      },
    };
    const server = await openServer({ actions: { 'test.flaky': flaky } });
    try {
      await registerDirect(
        server.store,
        'test.retried',
        workflowBody([{ id: 't', action: 'test.flaky', input: { value: '${input.db}' } }], { input: { db: { type: 'string', secret: true } } }),
      );
      const started = await server.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'test.retried', input: { db: INPUT_SECRET } } });
      expect((await server.engine.waitForCompletion(started.body.id)).status).toBe('failed');
      expect((await server.call('POST', `/api/executions/${started.body.id}/retry`)).status).toBe(200);
      expect((await server.engine.waitForCompletion(started.body.id)).status).toBe('completed');
      expect(seen).toEqual([INPUT_SECRET, INPUT_SECRET]);
    } finally {
      await server.close();
    }
  });
});

/**
 * Runs `body` against a server with a token file holding one new token (of `scopes`) beside
 * the plain admin token 'other-admin-tok'; the file and the server go afterwards.
 */
async function withFileToken(scopes: Scope[], body: (server: ServerHarness, token: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-tokens-'));
  const file = join(dir, 'tokens.json');
  const { token } = createToken(file, { scopes });
  const server = await openServer({ server: { tokens: 'other-admin-tok', token_file: file } });
  try {
    await body(server, token);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts demo.hello with `token` pasted into its input, as `auth`, and checks neither its view nor its events show it. */
async function expectMaskedWhenPasted(server: ServerHarness, token: string, auth: Record<string, string>): Promise<void> {
  const started = await server.call<{ id: string }>('POST', '/api/executions', {
    headers: auth,
    json: { workflow_ref: 'demo.hello', input: { who: `pasted ${token} by mistake` } },
  });
  expect(started.status).toBe(201);
  await server.engine.waitForCompletion(started.body.id);
  const view = await server.call('GET', `/api/executions/${started.body.id}`, { headers: auth });
  expect(view.status).toBe(200);
  expect(view.text).not.toContain(token);
  expect(JSON.stringify(await server.store.executions.readEvents(started.body.id))).not.toContain(token);
}

describe('a token from the token file', () => {
  it('is masked once it has been used, though the file holds only its hash', async () => {
    await withFileToken(['admin'], (server, token) => expectMaskedWhenPasted(server, token, { authorization: `Bearer ${token}` }));
  });
});

describe('a token used only to open a stream', () => {
  it('is masked as one used on a REST request is', async () => {
    await withFileToken(['read'], async (server, token) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/events?token=${encodeURIComponent(token)}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.close();
      await expectMaskedWhenPasted(server, token, { authorization: 'Bearer other-admin-tok' });
    });
  });
});
