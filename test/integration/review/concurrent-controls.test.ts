import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionHandler } from '../../../src/actions/action.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
const gate = createGate();
let calls = 0;
// Fails its first attempt, then waits for the test: a failed execution whose retry keeps running.
const flaky: ActionHandler = {
  async run(input, ctx) {
    calls += 1;
    if (calls === 1) return { status: 'error', error_type: 'ACTION_FAILED', error_message: 'first attempt fails', is_retriable: false };
    return gate.action.run(input, ctx);
  },
};

beforeAll(async () => {
  h = await openServer({ actions: { 'test.flaky': flaky } });
  await registerDirect(h.store, 'race.flaky', workflowBody([{ id: 'work', action: 'test.flaky' }]));
  await registerDirect(h.store, 'race.quick', workflowBody([{ id: 'work', action: 'core.noop' }]));
});
afterAll(async () => {
  gate.open();
  await h.close();
});

describe('concurrent retries of one failed execution', () => {
  it('start the failed task again exactly once and answer each request without a 5xx', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'race.flaky' } });
    const id = started.body.id;
    expect((await h.engine.waitForCompletion(id)).status).toBe('failed');

    const answers = await Promise.all([1, 2, 3].map(() => h.call<{ status?: string; error?: { code: string } }>('POST', `/api/executions/${id}/retry`)));
    for (const answer of answers) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 409) expect(answer.body.error?.code).toBe('EXEC_INVALID_STATE');
    }
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    await gate.entered;
    gate.open();
    const done = await h.engine.waitForCompletion(id);
    expect(done.status).toBe('completed');
    const events = await h.engine.readEvents(id, 0);
    expect(events.filter((e) => e.event_type === 'workflow_resumed')).toHaveLength(1);
    expect(events.filter((e) => e.event_type === 'task_started')).toHaveLength(2);
    expect(calls).toBe(2);
  });
});

describe('concurrent checkpoints of one finished execution', () => {
  it('all succeed, each with its own checkpoint', async () => {
    const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'race.quick' } });
    await h.engine.waitForCompletion(started.body.id);
    const answers = await Promise.all([1, 2, 3].map(() => h.call<{ id: string }>('POST', '/api/checkpoints', { json: { execution_id: started.body.id } })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(3);
  });
});
