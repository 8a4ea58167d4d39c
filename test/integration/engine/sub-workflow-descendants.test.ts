import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import { actionsWith, gate, handler, openHarness, register, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A workflow whose every item starts the same workflow again: 3, 9, 27, ... children per level. */
async function registerTree(harness: Harness): Promise<void> {
  await register(
    harness.store,
    'demo.tree',
    workflow(
      [{ id: 'kids', action: 'core.workflow', with_items: '${input.items}', input: { workflow: 'demo.tree', input: { items: '${input.items}' } } }],
      { input: { items: { type: 'array', required: true } } },
    ),
  );
}

describe('core.workflow under limits.max_descendants', () => {
  it('fails a fan-out that calls its own workflow with EXEC_LIMIT once the root has max_descendants executions below it', async () => {
    h = await openHarness({}, { limits: { max_descendants: 10 } });
    await registerTree(h);
    const run = await h.engine.startExecution({ workflow_ref: 'demo.tree', input: { items: [1, 2, 3] } });
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('EXEC_LIMIT');
    expect(done.error?.message).toContain('limits.max_descendants');
    expect(await h.store.executions.countDescendants(run.id)).toBe(10);
  });

  it('counts the children stored before a restart, so the restarted engine starts no more than the limit', async () => {
    const entered = gate();
    h = await openHarness({ 'test.hang': handler(async (_input, _attempt, signal) => {
      entered.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return {};
    }) }, { limits: { max_descendants: 2 } });
    await register(h.store, 'demo.leaf', workflow([{ id: 'a' }]));
    const call = (id: string, after: string) => ({ id, action: 'core.workflow', depends_on: [after], input: { workflow: 'demo.leaf' } });
    await register(h.store, 'demo.chain', workflow([
      { id: 'one', action: 'core.workflow', input: { workflow: 'demo.leaf' } },
      call('two', 'one'),
      { id: 'wait', action: 'test.hang', depends_on: ['two'], retry: { max_attempts: 2, initial_delay_ms: 0 } },
      call('three', 'wait'),
    ]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.chain' });
    await entered.promise;
    await h.engine.stop();

    const store2 = await h.reopen();
    const engine2 = createEngine({ store: store2, actions: actionsWith({ 'test.hang': handler(() => ({})) }), config: { limits: { max_descendants: 2 } } });
    await engine2.start();
    const done = await engine2.waitForCompletion(run.id);
    await engine2.stop();
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('EXEC_LIMIT');
    expect(done.error?.message).toContain(`below top-level execution '${run.id}', over limits.max_descendants (2)`);
    expect(await store2.executions.countDescendants(run.id)).toBe(2);
  });
});
