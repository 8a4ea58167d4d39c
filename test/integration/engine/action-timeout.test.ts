import { afterEach, describe, it, expect } from 'vitest';
import type { ActionHandler } from '../../../src/actions/action.js';
import { openHarness, register, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An action with its own deadline that runs until it is aborted, reporting the deadline it was given. */
function slowAction(timeout_ms: number): ActionHandler {
  return {
    timeout_ms,
    run: (_input, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => resolve({ status: 'error', error_type: 'ABORTED', error_message: `given ${ctx.timeout_ms}`, is_retriable: false }));
      }),
  };
}

describe('task deadlines', () => {
  it("applies the action's own timeout_ms when the task sets none", async () => {
    h = await openHarness({ 'slow.job': slowAction(40) });
    await register(h.store, 'demo.slow', workflow([{ id: 'job', action: 'slow.job' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.slow' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'TIMEOUT', message: expect.stringContaining('timeout of 40 ms') });
  });

  it("lets the task's timeout_ms win over the action's", async () => {
    h = await openHarness({ 'slow.job': slowAction(600_000) });
    await register(h.store, 'demo.slow', workflow([{ id: 'job', action: 'slow.job', timeout_ms: 30 }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.slow' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.error).toMatchObject({ type: 'TIMEOUT', message: expect.stringContaining('timeout of 30 ms') });
  });

  it('falls back to default_timeout_ms when neither task nor action sets one', async () => {
    h = await openHarness({ 'slow.job': { run: slowAction(1).run } }, { default_timeout_ms: 25 });
    await register(h.store, 'demo.slow', workflow([{ id: 'job', action: 'slow.job' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.slow' });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.error).toMatchObject({ type: 'TIMEOUT', message: expect.stringContaining('timeout of 25 ms') });
  });
});
