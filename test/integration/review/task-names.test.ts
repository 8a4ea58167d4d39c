import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('tasks named like members of Object.prototype', () => {
  it.each(['toString', 'valueOf', 'hasOwnProperty', 'constructor', '__proto__'])("run a task named '%s' and what depends on it", async (taskId) => {
    const name = `named_${taskId.replace(/_/g, '').toLowerCase()}`;
    const yaml = `name: ${name}\nversion: 1.0.0\ntasks:\n  ${taskId}: { action: core.echo, input: { a: 1 } }\n  after: { action: core.noop, depends_on: [${taskId}] }\n`;
    const created = await h.call('POST', '/api/workflows', { text: yaml, contentType: 'application/yaml' });
    expect(created.status).toBe(201);
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: `api.${name}` } });
    expect(started.status).toBe(201);
    expect((await h.engine.waitForCompletion(started.body.id)).status).toBe('completed');
    const detail = await h.call<{ task_statuses: Record<string, { status: string }> }>('GET', `/api/executions/${started.body.id}`);
    expect(Object.getOwnPropertyDescriptor(detail.body.task_statuses, taskId)?.value).toMatchObject({ status: 'completed' });
    expect(detail.body.task_statuses.after?.status).toBe('completed');
  });
});
