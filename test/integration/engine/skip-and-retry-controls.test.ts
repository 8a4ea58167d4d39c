import { afterEach, describe, expect, it } from 'vitest';
import { gate, handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('skip of a task that is not ready yet', () => {
  it('waits for the skipped task\'s own upstream before its dependants start', async () => {
    const entered = gate();
    const release = gate();
    h = await openHarness({ 'test.hold': handler(async () => { entered.open(); await release.promise; return {}; }) });
    await register(h.store, 'demo.skipwait', workflow([{ id: 'a', action: 'test.hold' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.skipwait' });
    await entered.promise;
    await h.engine.skipTask(run.id, 'b');
    const waiting = await h.engine.getStatus(run.id);
    expect([waiting.task_statuses.a?.status, waiting.task_statuses.b?.status, waiting.task_statuses.c?.status]).toEqual(['running', 'pending', 'pending']);
    expect((await h.engine.skipTask(run.id, 'b')).status).toBe('running');
    release.open();
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('completed');
    const order = (await h.engine.readEvents(run.id))
      .filter((e) => ['task_completed', 'task_skipped', 'task_started'].includes(e.event_type))
      .map((e) => `${e.event_type}:${e.task_id ?? ''}`);
    expect(order).toEqual(['task_started:a', 'task_completed:a', 'task_skipped:b', 'task_started:c', 'task_completed:c']);
    const skipped = (await h.engine.readEvents(run.id)).find((e) => e.event_type === 'task_skipped');
    expect(skipped?.data.reason).toBe('manual');
  });

  it('lets an upstream failure skip the task as usual (reason upstream), so dependants do not run', async () => {
    const entered = gate();
    const release = gate();
    h = await openHarness({
      'test.boom': handler(async () => { entered.open(); await release.promise; throw typedError('BOOM', 'no', false); }),
    });
    await register(h.store, 'demo.skipfail', workflow([{ id: 'a', action: 'test.boom' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.skipfail' });
    await entered.promise;
    await h.engine.skipTask(run.id, 'b');
    release.open();
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('failed');
    const status = await h.engine.getStatus(run.id);
    expect([status.task_statuses.b?.status, status.task_statuses.c?.status]).toEqual(['skipped', 'skipped']);
    const reasons = (await h.engine.readEvents(run.id)).filter((e) => e.event_type === 'task_skipped').map((e) => e.data.reason);
    expect(reasons).toEqual(['upstream', 'upstream']);
  });

  it('keeps a requested skip across an engine restart', async () => {
    const entered = gate();
    h = await openHarness({ 'test.hold': handler(async (_i, _a, signal) => { entered.open(); await new Promise((r) => signal.addEventListener('abort', r, { once: true })); return {}; }) });
    await register(h.store, 'demo.skiprestart', workflow([{ id: 'a', action: 'test.hold', retry: { max_attempts: 2, initial_delay_ms: 1 } }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.skiprestart' });
    await entered.promise;
    await h.engine.skipTask(run.id, 'b');
    await h.engine.stop();
    const { createEngine } = await import('../../../src/engine/index.js');
    const { actionsWith } = await import('./helpers.js');
    const again = createEngine({ store: h.store, actions: actionsWith({ 'test.hold': handler(() => ({})) }) });
    await again.start();
    try {
      expect((await again.waitForCompletion(run.id)).status).toBe('completed');
      const status = await again.getStatus(run.id);
      expect([status.task_statuses.b?.status, status.task_statuses.c?.status]).toEqual(['skipped', 'completed']);
    } finally {
      await again.stop();
    }
  });
});

describe('retry of a canceled execution', () => {
  it('runs again every task that did not complete; completed ones keep their outputs', async () => {
    const runs: string[] = [];
    const entered = gate();
    let block = true;
    h = await openHarness({
      'test.count': handler((input) => { runs.push(String(input.name)); return { name: input.name }; }),
      'test.block': handler(async (_i, _a, signal) => {
        runs.push('block');
        if (!block) return { done: true };
        entered.open();
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        throw typedError('CANCELED', 'stopped', false);
      }),
    });
    await register(h.store, 'demo.retrycancel', workflow([
      { id: 'first', action: 'test.count', input: { name: 'first' } },
      { id: 'slow', action: 'test.block', depends_on: ['first'] },
      { id: 'last', action: 'test.count', input: { name: 'last' }, depends_on: ['slow'] },
    ]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.retrycancel' });
    await entered.promise;
    await h.engine.cancel(run.id);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('canceled');
    block = false;
    expect((await h.engine.retry(run.id)).status).toBe('running');
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(runs).toEqual(['first', 'block', 'block', 'last']);
  });

  it('refuses an execution canceled before it started, with EXEC_INVALID_STATE', async () => {
    const entered = gate();
    h = await openHarness({ 'test.block': handler(async () => { entered.open(); await new Promise(() => undefined); }) }, { max_concurrent_workflows: 1 });
    await register(h.store, 'demo.queued', workflow([{ id: 'a', action: 'test.block' }]));
    await h.engine.startExecution({ workflow_ref: 'demo.queued' });
    await entered.promise;
    const queued = await h.engine.startExecution({ workflow_ref: 'demo.queued' });
    expect(queued.status).toBe('pending');
    const canceled = nextEvent(h.engine, (e) => e.execution_id === queued.id && e.event_type === 'workflow_canceled');
    await h.engine.cancel(queued.id);
    await canceled;
    await expect(h.engine.retry(queued.id)).rejects.toMatchObject({ code: 'EXEC_INVALID_STATE', message: expect.stringContaining('start a new execution') });
  });

  it('still refuses a completed execution', async () => {
    h = await openHarness();
    await register(h.store, 'demo.doneretry', workflow([{ id: 'a' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.doneretry' });
    await h.engine.waitForCompletion(run.id);
    await expect(h.engine.retry(run.id)).rejects.toMatchObject({ code: 'EXEC_INVALID_STATE', message: expect.stringContaining('failed or canceled') });
  });
});
