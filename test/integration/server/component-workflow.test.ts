/**
 * A remote component end to end: a real HTTP server plays the component, registers
 * through the REST API, and a workflow's component task reaches it through the engine.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

interface TaskCall {
  task_id: string;
  execution_id: string;
  action: string;
  attempt: number;
  idempotency_key: string;
  input: Record<string, unknown>;
}

let h: ServerHarness;
let component: Server;
let componentUrl: string;
const calls: TaskCall[] = [];

async function readJson(request: IncomingMessage): Promise<TaskCall> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as TaskCall;
}

beforeAll(async () => {
  component = createServer((request, response) => {
    void readJson(request).then((call) => {
      calls.push(call);
      response.setHeader('content-type', 'application/json');
      // The first attempt of `flaky` fails retriably, the way a busy component would.
      if (call.action === 'flaky' && call.attempt === 1) {
        response.end(JSON.stringify({ status: 'error', error_type: 'CONNECTION_ERROR', error_message: 'busy', is_retriable: true }));
        return;
      }
      response.end(JSON.stringify({ status: 'success', data: { echoed: call.input, by: 'translator' } }));
    });
  });
  await new Promise<void>((resolve) => component.listen(0, '127.0.0.1', resolve));
  componentUrl = `http://127.0.0.1:${(component.address() as AddressInfo).port}`;
  h = await openServer();
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => component.close(() => resolve()));
});

const WORKFLOW = `version: 1.0.0
name: translate
input:
  text: { type: string, required: true }
tasks:
  translate:
    component: translator
    action: translate
    input: { text: "\${input.text}", to: fr }
  again:
    component: translator
    action: flaky
    depends_on: [translate]
    retry: { max_attempts: 2, initial_delay_ms: 0, backoff_factor: 1, max_delay_ms: 0 }
    input: { previous: "\${tasks.translate.output.by}" }
output:
  first: "\${tasks.translate.output.echoed.text}"
  second: "\${tasks.again.output.echoed.previous}"
`;

describe('a workflow calling a remote component', () => {
  it('posts each task to the registered component and carries its results downstream', async () => {
    const registered = await h.call('POST', '/api/v1/components', {
      json: { name: 'translator', base_url: componentUrl, capabilities: ['translate', 'flaky'] },
    });
    expect(registered.status).toBe(201);
    const created = await h.call('POST', '/api/v1/workflows', { text: WORKFLOW, contentType: 'application/yaml' });
    expect(created.status).toBe(201);

    const started = await h.call<ExecutionView>('POST', '/api/v1/executions', {
      json: { workflow_ref: 'api.translate', input: { text: 'hello' } },
    });
    expect(started.status).toBe(201);
    const done = await h.engine.waitForCompletion(started.body.execution_id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ first: 'hello', second: 'translator' });

    const mine = calls.filter((c) => c.execution_id === started.body.execution_id);
    expect(mine.map((c) => [c.task_id, c.action, c.attempt])).toEqual([
      ['translate', 'translate', 1],
      ['again', 'flaky', 1],
      ['again', 'flaky', 2],
    ]);
    expect(mine[0]?.input).toEqual({ text: 'hello', to: 'fr' });
    // The same key on every attempt, so a component can deduplicate retries.
    expect(new Set(mine.filter((c) => c.task_id === 'again').map((c) => c.idempotency_key)).size).toBe(1);
  });

  it('fails the task for good, naming the component, when it is not registered', async () => {
    const created = await h.call('POST', '/api/v1/workflows', {
      text: WORKFLOW.replace('name: translate', 'name: ghost').replaceAll('component: translator', 'component: nobody'),
      contentType: 'application/yaml',
    });
    expect(created.status).toBe(201);
    const started = await h.call<ExecutionView>('POST', '/api/v1/executions', {
      json: { workflow_ref: 'api.ghost', input: { text: 'x' } },
    });
    const done = await h.engine.waitForCompletion(started.body.execution_id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/nobody/);
    expect(done.error?.retriable).toBe(false);
  });
});
