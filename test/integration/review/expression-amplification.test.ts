import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('an expression repeating a large input', () => {
  it('fails the task with EXPR_LIMIT instead of writing a huge event', async () => {
    const refs = Array(400).fill('input.s').join(', ');
    const text = ['name: amp', 'version: 1.0.0', 'input:', '  s: { type: string }', 'tasks:', '  t:', '    action: core.echo', `    input: { many: "\${[${refs}]}" }`, ''].join('\n');
    expect((await h.call('POST', '/api/workflows', { text, contentType: 'application/yaml' })).status).toBe(201);
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'api.amp', input: { s: 'x'.repeat(1_000_000) } } });
    expect(started.status).toBe(201);
    const done = await h.engine.waitForCompletion(started.body.id);
    expect(done.status).toBe('failed');
    const detail = await h.call<{ task_statuses: Record<string, { error: { type: string; message: string } | null }> }>('GET', `/api/executions/${started.body.id}`);
    expect(detail.body.task_statuses.t?.error?.type).toBe('EXPR_LIMIT');
    expect(detail.body.task_statuses.t?.error?.message).toContain('maxResultSize');
    // The input once, plus bookkeeping: nothing near 400 copies of it.
    const stored = JSON.stringify(await h.store.executions.readEvents(started.body.id)).length;
    expect(stored).toBeLessThan(3_000_000);
  });
});
