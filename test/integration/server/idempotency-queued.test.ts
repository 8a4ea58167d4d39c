/**
 * An Idempotency-Key of an execution that waited in the queue (max_concurrent_workflows
 * reached): while it waits another workflow with the key is refused (its request's
 * fingerprint is recorded when it starts); once it ran, another input is refused too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, ExecutionView } from '../../../src/core/wire.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';

const gate = createGate();
let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({
    engine: { max_concurrent_workflows: 1 },
    actions: { 'test.gate': gate.action },
  });
  // An action the pack validator cannot know: registered straight into the store.
  await registerDirect(h.store, 'gates.gated', workflowBody([{ id: 'hold', action: 'test.gate' }]));
});
afterAll(async () => {
  gate.open();
  await h.close();
});

describe('an Idempotency-Key of a queued execution', () => {
  it('refuses another workflow with the key while the execution waits in the queue, and another input after it ran', async () => {
    const running = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'gates.gated' } });
    expect(running.status).toBe(201);
    await gate.entered;
    const headers = { 'Idempotency-Key': 'queued-1' };
    const queued = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'a' } }, headers });
    expect([queued.status, queued.body.status]).toEqual([201, 'pending']);
    const whileQueued = await h.call<ErrorResponse>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.slow' }, headers });
    expect([whileQueued.status, whileQueued.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await h.call('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'a' } }, headers })).status).toBe(200);

    gate.open();
    await h.engine.waitForCompletion(queued.body.execution_id);
    const afterwards = await h.call<ErrorResponse>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'b' } }, headers });
    expect([afterwards.status, afterwards.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await h.call('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.hello', input: { who: 'a' } }, headers })).status).toBe(200);
  });
});
