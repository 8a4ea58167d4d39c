/**
 * How a failure deep in nested core.workflow calls reaches the top-level execution, and which
 * operator controls a child execution takes once its parent no longer waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { gate, handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LEAF_MESSAGE = 'disk /var/lib/data is full (wrote 0 of 4096 bytes)';

/** demo.l0 calls demo.l1 ... calls demo.l<depth>, whose task 'write' fails with LEAF_MESSAGE. */
async function registerChain(harness: Harness, depth: number): Promise<void> {
  for (let level = 0; level < depth; level += 1) {
    await register(harness.store, `demo.l${level}`, workflow([{ id: 'call', action: 'core.workflow', input: { workflow: `demo.l${level + 1}` } }]));
  }
  await register(harness.store, `demo.l${depth}`, workflow([{ id: 'write', action: 'test.disk' }]));
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('a failure below nested core.workflow calls', () => {
  for (const depth of [16, 64]) {
    it(`reaches the top of ${depth} levels with the leaf's type and message once, in a message linear in the depth`, async () => {
      h = await openHarness({ 'test.disk': handler(() => { throw typedError('DISK_FULL', LEAF_MESSAGE, false); }) }, { limits: { max_workflow_depth: depth } });
      await registerChain(h, depth);
      const run = await h.engine.startExecution({ workflow_ref: 'demo.l0' });
      const done = await h.engine.waitForCompletion(run.id);
      expect(done.status).toBe('failed');
      const error = done.error;
      expect(error?.type).toBe('DISK_FULL');
      expect(occurrences(error?.message ?? '', LEAF_MESSAGE)).toBe(1);
      const leaf = (await h.store.executions.listExecutions({ workflow_ref: `demo.l${depth}` })).items[0];
      expect(leaf).toBeDefined();
      // Bounded but for the ids, which name the path and so grow by one segment a level.
      expect(error?.message.length).toBeLessThanOrEqual(LEAF_MESSAGE.length + 2 * (leaf?.id.length ?? 0) + 200);
      expect(error?.cause).toEqual({ execution_id: leaf?.id, workflow_ref: `demo.l${depth}`, task_id: 'write', type: 'DISK_FULL', message: LEAF_MESSAGE, depth });
      const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.l1' })).items[0];
      expect(error?.message).toContain(child?.id);
      expect(error?.message).toContain(leaf?.id);
      // Every level's error is as small: none holds its child's message whole.
      for (let level = 1; level < depth; level += 1) {
        const middle = (await h.store.executions.listExecutions({ workflow_ref: `demo.l${level}` })).items[0];
        expect(occurrences(middle?.error?.message ?? '', LEAF_MESSAGE)).toBe(1);
        expect(middle?.error?.cause?.depth).toBe(depth - level);
      }
    });
  }

  it("gives a direct child's failure with the child's task and no depth wording", async () => {
    h = await openHarness({ 'test.disk': handler(() => { throw typedError('DISK_FULL', LEAF_MESSAGE, false); }) });
    await registerChain(h, 1);
    const run = await h.engine.startExecution({ workflow_ref: 'demo.l0' });
    const done = await h.engine.waitForCompletion(run.id);
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.l1' })).items[0];
    expect(done.error?.message).toBe(`sub-workflow 'demo.l1' (${child?.id}) failed in task 'write': ${LEAF_MESSAGE}`);
    expect(done.error?.cause).toMatchObject({ execution_id: child?.id, task_id: 'write', depth: 1 });
  });
});

describe('operator controls of a child execution', () => {
  it('refuses to retry or rerun a child whose parent has finished, naming the parent (EXEC_PARENT_FINISHED)', async () => {
    h = await openHarness({ 'test.disk': handler(() => { throw typedError('DISK_FULL', LEAF_MESSAGE, false); }) });
    await registerChain(h, 1);
    const run = await h.engine.startExecution({ workflow_ref: 'demo.l0' });
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('failed');
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.l1' })).items[0];
    const childId = child?.id ?? '';
    await expect(h.engine.retry(childId)).rejects.toMatchObject({
      code: 'EXEC_PARENT_FINISHED',
      message: `cannot retry execution '${childId}': it is a sub-workflow of execution '${run.id}' (task 'call'), which has failed and takes no result from it; retry execution '${run.id}' instead`,
      details: { execution_id: childId, parent_execution_id: run.id, parent_task_id: 'call', parent_status: 'failed' },
    });
    await expect(h.engine.rerunFrom(childId, 'write')).rejects.toMatchObject({ code: 'EXEC_PARENT_FINISHED' });
    expect((await h.engine.getExecution(childId)).status).toBe('failed');
    // The parent's retry is the way: its task starts a fresh child.
    await h.engine.retry(run.id);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('failed');
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.l1' })).total).toBe(2);
  });

  it("refuses to retry a child whose parent runs on but whose task has failed for good", async () => {
    const hold = gate();
    h = await openHarness({
      'test.disk': handler(() => { throw typedError('DISK_FULL', LEAF_MESSAGE, false); }),
      'test.hold': handler(() => hold.promise),
    });
    await register(h.store, 'demo.l1', workflow([{ id: 'write', action: 'test.disk' }]));
    await register(h.store, 'demo.pair', workflow([{ id: 'call', action: 'core.workflow', input: { workflow: 'demo.l1' } }, { id: 'other', action: 'test.hold' }]));
    const failed = nextEvent(h.engine, (event) => event.event_type === 'task_failed' && event.task_id === 'call');
    const run = await h.engine.startExecution({ workflow_ref: 'demo.pair' });
    await failed;
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.l1' })).items[0];
    await expect(h.engine.retry(child?.id ?? '')).rejects.toMatchObject({
      code: 'EXEC_PARENT_FINISHED',
      details: { parent_execution_id: run.id, parent_task_id: 'call', parent_status: 'running' },
    });
    hold.open();
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('failed');
  });

  it('retries a child whose parent still waits for it: the next attempt of the parent task takes its result', async () => {
    const clock = new FakeClock();
    let runs = 0;
    h = await openHarness(
      {
        'test.block': handler((_input, _attempt, signal) => {
          runs += 1;
          if (runs > 1) return { value: 'second run' };
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
        }),
      },
      {},
      clock,
    );
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.block' }], { output: { value: '${tasks.x.output.value}' } }));
    await register(
      h.store,
      'demo.outer',
      workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' }, timeout_ms: 1000, retry: { max_attempts: 2, initial_delay_ms: 5000, jitter: 0 } }], {
        output: { value: '${tasks.sub.output.value}' },
      }),
    );
    const started = nextEvent(h.engine, (event) => event.event_type === 'task_started' && event.task_id === 'x');
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await started;
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0];
    const childId = child?.id ?? '';
    const retryScheduled = nextEvent(h.engine, (event) => event.execution_id === run.id && event.event_type === 'retry_attempted');
    clock.advance(1000);
    await retryScheduled;
    expect((await h.engine.waitForCompletion(childId)).status).toBe('canceled');
    await h.engine.retry(childId);
    expect((await h.engine.waitForCompletion(childId)).status).toBe('completed');
    clock.advance(5000);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ value: 'second run' });
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).total).toBe(1);
  });
});
