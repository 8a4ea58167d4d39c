import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ engine: { limits: { max_workflow_depth: 3 } } });
  // A first version that exists, so the second may name itself (as an API user can).
  const first = await h.call('POST', '/api/workflows', { text: 'name: rec\nversion: 1.0.0\ntasks:\n  a: { action: core.noop }\n', contentType: 'application/yaml' });
  expect(first.status).toBe(201);
  const recursive = 'name: rec\nversion: 1.0.0\ntasks:\n  again:\n    action: core.workflow\n    input: { workflow: api.rec }\n';
  const second = await h.call('PUT', '/api/workflows/api.rec', { text: recursive, contentType: 'application/yaml' });
  expect(second.status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

describe('a workflow that starts itself through core.workflow', () => {
  it('stops at limits.max_workflow_depth and fails with EXEC_LIMIT instead of forking forever', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'api.rec' } });
    expect(started.status).toBe(201);
    const done = await h.engine.waitForCompletion(started.body.id);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('EXEC_LIMIT');
    expect(done.error?.message).toContain('limits.max_workflow_depth');
    const all = await h.call<{ total: number }>('GET', '/api/executions?limit=1');
    expect(all.body.total).toBe(4);
  });
});
