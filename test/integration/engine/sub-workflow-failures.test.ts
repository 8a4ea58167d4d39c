/**
 * How a failure deep in nested core.workflow calls reaches the top-level execution, and which
 * operator controls a child execution takes once its parent no longer waits for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { actionsWith, gate, handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

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

  it('refuses to retry a child whose parent will start a fresh child on its next attempt', async () => {
    const clock = new FakeClock();
    h = await openHarness(
      { 'test.block': handler((_input, _attempt, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }))) },
      {},
      clock,
    );
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.block' }]));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' }, timeout_ms: 1000, retry: { max_attempts: 2, initial_delay_ms: 5000, jitter: 0 } }]));
    const started = nextEvent(h.engine, (event) => event.event_type === 'task_started' && event.task_id === 'x');
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await started;
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0];
    const retryScheduled = nextEvent(h.engine, (event) => event.execution_id === run.id && event.event_type === 'retry_attempted');
    clock.advance(1000);
    await retryScheduled;
    expect((await h.engine.waitForCompletion(child?.id ?? '')).status).toBe('canceled');
    await expect(h.engine.retry(child?.id ?? '')).rejects.toMatchObject({
      code: 'EXEC_PARENT_FINISHED',
      message: expect.stringContaining(`whose task 'sub' will start attempt 2 with a child of its own, and takes no result from it; retry execution '${run.id}' once it has finished`),
    });
    await h.engine.terminate(run.id);
  });

  it('retries a finished child whose parent waits to adopt it after an interruption: the parent takes its result', async () => {
    const entered = gate();
    const runs: string[] = [];
    h = await openHarness({
      'test.hang': handler(async (_input, attempt, signal) => {
        runs.push(`hang#${attempt}`);
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return {};
      }),
    });
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.hang' }], { output: { value: '${tasks.x.output.value}' } }));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }], { output: { value: '${tasks.sub.output.value}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await entered.promise;
    const childId = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0]?.id ?? '';
    // Paused, the parent does not start its next attempt on recovery: it waits to adopt the child.
    await h.engine.pause(run.id);
    await h.engine.stop();
    const engine2 = createEngine({ store: await h.reopen(), actions: actionsWith({ 'test.hang': handler((_input, attempt) => { runs.push(`hang#${attempt}`); return { value: `run ${attempt}` }; }) }) });
    await engine2.start();
    try {
      await engine2.cancel(childId);
      expect((await engine2.waitForCompletion(childId)).status).toBe('canceled');
      await engine2.retry(childId);
      expect((await engine2.waitForCompletion(childId)).status).toBe('completed');
      await engine2.resume(run.id);
      expect(await engine2.waitForCompletion(run.id)).toMatchObject({ status: 'completed', output: { value: 'run 2' } });
      expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).total).toBe(1);
    } finally {
      await engine2.stop();
    }
  });
});

describe('which child a later attempt of a core.workflow task takes', () => {
  it('adopts the child of an attempt the engine stopped under, so the child runs once', async () => {
    const entered = gate();
    const runs: string[] = [];
    h = await openHarness({
      'test.hang': handler(async (_input, attempt, signal) => {
        runs.push(`hang#${attempt}`);
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return {};
      }),
    });
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.hang' }], { output: { value: '${tasks.x.output.value}' } }));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }], { output: { value: '${tasks.sub.output.value}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await entered.promise;
    await h.engine.stop();
    const engine2 = createEngine({ store: await h.reopen(), actions: actionsWith({ 'test.hang': handler((_input, attempt) => { runs.push(`hang#${attempt}`); return { value: 'after restart' }; }) }) });
    await engine2.start();
    const done = await engine2.waitForCompletion(run.id);
    await engine2.stop();
    expect(done).toMatchObject({ status: 'completed', output: { value: 'after restart' } });
    expect(runs).toEqual(['hang#1', 'hang#2']);
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).total).toBe(1);
  });

  it('starts a fresh child when the parent is rerun from the task, instead of reusing the completed one', async () => {
    let runs = 0;
    h = await openHarness({ 'test.count': handler(() => ({ run: (runs += 1) })) });
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.count' }], { output: { run: '${tasks.x.output.run}' } }));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }], { output: { run: '${tasks.sub.output.run}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    expect((await h.engine.waitForCompletion(run.id)).output).toEqual({ run: 1 });
    const finished = nextEvent(h.engine, (event) => event.execution_id === run.id && event.event_type === 'workflow_completed');
    await h.engine.rerunFrom(run.id, 'sub');
    await finished;
    expect((await h.engine.getExecution(run.id)).output).toEqual({ run: 2 });
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).total).toBe(2);
  });

  it('starts a fresh child after a timed-out attempt, not the child still being canceled', async () => {
    const clock = new FakeClock();
    const letGo = gate();
    let runs = 0;
    h = await openHarness(
      {
        'test.slow': handler(async (_input, _attempt, signal) => {
          runs += 1;
          if (runs > 1) return { value: 'fresh child' };
          // Stops only when the test lets it: the child stays canceling meanwhile.
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          await letGo.promise;
          throw typedError('CANCELED', 'stopped', false);
        }),
      },
      {},
      clock,
    );
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.slow' }], { output: { value: '${tasks.x.output.value}' } }));
    await register(
      h.store,
      'demo.outer',
      workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' }, timeout_ms: 1000, retry: { max_attempts: 2, initial_delay_ms: 0, jitter: 0 } }], {
        output: { value: '${tasks.sub.output.value}' },
      }),
    );
    const started = nextEvent(h.engine, (event) => event.event_type === 'task_started' && event.task_id === 'x');
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await started;
    const canceling = nextEvent(h.engine, (event) => event.execution_id !== run.id && event.event_type === 'cancel_requested');
    clock.advance(1000);
    await canceling;
    // No two attempts overlap: the second waits until the first's child has stopped.
    expect((await h.engine.getStatus(run.id)).task_statuses.sub).toMatchObject({ attempts: 1 });
    const second = nextEvent(h.engine, (event) => event.execution_id === run.id && event.event_type === 'task_started' && event.data.attempt === 2);
    const done = h.engine.waitForCompletion(run.id);
    letGo.open();
    await second;
    expect(await done).toMatchObject({ status: 'completed', output: { value: 'fresh child' } });
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).total).toBe(2);
  });

  it('resumes the paused child along with its parent after a restart, before the parent adopts it', async () => {
    const entered = gate();
    h = await openHarness({
      'test.hang': handler(async (_input, _attempt, signal) => {
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return {};
      }),
    });
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.hang' }], { output: { value: '${tasks.x.output.value}' } }));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner' } }], { output: { value: '${tasks.sub.output.value}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await entered.promise;
    const childId = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0]?.id ?? '';
    await h.engine.pause(run.id);
    expect((await h.engine.getExecution(childId)).status).toBe('paused');
    await h.engine.stop();
    const engine2 = createEngine({ store: await h.reopen(), actions: actionsWith({ 'test.hang': handler((_input, attempt) => ({ value: `run ${attempt}` })) }) });
    await engine2.start();
    try {
      await engine2.resume(run.id);
      expect((await engine2.getExecution(childId)).status).not.toBe('paused');
      expect(await engine2.waitForCompletion(run.id)).toMatchObject({ status: 'completed', output: { value: 'run 2' } });
    } finally {
      await engine2.stop();
    }
  });
});
