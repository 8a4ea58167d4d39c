import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
let remote: Server;
beforeAll(async () => {
  h = await openServer();
  // A service whose JSON answer nests 100,000 levels deep (200 KB: well under the output limit).
  remote = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => remote.close(() => resolve()));
  await h.close();
});

describe('a task whose output nests too deep', () => {
  it('fails with TASK_OUTPUT_INVALID instead of crashing the engine or hanging the execution', async () => {
    const port = (remote.address() as AddressInfo).port;
    const created = await h.call('POST', '/api/workflows', {
      json: {
        name: 'deep_answer',
        version: '1.0.0',
        tasks: [
          { id: 'call', action: 'core.http', input: { url: `http://127.0.0.1:${port}/` } },
          { id: 'after', action: 'core.noop', depends_on: ['call'] },
        ],
      },
    });
    expect(created.status).toBe(201);
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'api.deep_answer' } });
    const done = await h.engine.waitForCompletion(started.body.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'TASK_OUTPUT_INVALID', message: "task 'call' returned output that nests deeper than 200 levels" });
    const detail = await h.call('GET', `/api/executions/${started.body.id}`);
    expect(detail.status).toBe(200);
    expect((await h.call('GET', `/api/executions/${started.body.id}/events`)).status).toBe(200);
  });
});
