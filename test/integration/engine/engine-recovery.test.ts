import { afterEach, describe, it, expect } from 'vitest';
import { attemptOfEvent } from '../../../src/core/events.js';
import { createEngine } from '../../../src/engine/index.js';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import type { Store } from '../../../src/store/store.js';
import { actionsWith, gate, handler, nextEvent, openHarness, register, workflow, type Harness } from './helpers.js';

/** An action that records its attempt as `${name}#${attempt}`, opens `started`, and runs until its engine stops. */
function untilStopped(runs: string[], name: string, started: { open: () => void }) {
  return handler(async (_input, attempt, signal) => {
    runs.push(`${name}#${attempt}`);
    started.open();
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return {};
  });
}

/** Holds the store's history reads: `reading` opens at the first, which waits for `proceed`. */
function holdHistoryReads(store: Store): { reading: ReturnType<typeof gate<void>>; proceed: ReturnType<typeof gate<void>> } {
  const reading = gate();
  const proceed = gate();
  const readEvents = store.executions.readEvents.bind(store.executions);
  store.executions.readEvents = async (...args: Parameters<typeof readEvents>) => {
    reading.open();
    await proceed.promise;
    return readEvents(...args);
  };
  return { reading, proceed };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine.start()', () => {
  it('carries on an execution stopped mid-task, running the interrupted task again with the next attempt', async () => {
    const entered = gate();
    const runs: string[] = [];
    h = await openHarness({
      'test.record': handler((_input, attempt) => { runs.push(`first#${attempt}`); return {}; }),
      'test.hang': handler(async (_input, attempt, signal) => {
        runs.push(`second#${attempt}`);
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return {};
      }),
    });
    await register(h.store, 'demo.resume', workflow([
      { id: 'first', action: 'test.record' },
      { id: 'second', action: 'test.hang', depends_on: ['first'], retry: { max_attempts: 3, initial_delay_ms: 0 } },
    ]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.resume' });
    await entered.promise;
    await h.engine.stop();

    const store2 = await h.reopen();
    const engine2 = createEngine({ store: store2, actions: actionsWith({
      'test.record': handler(() => { runs.push('first-again'); return {}; }),
      'test.hang': handler((_input, attempt) => { runs.push(`second#${attempt}`); return { ok: true }; }),
    }) });
    await engine2.start();
    const done = await engine2.waitForCompletion(run.id);
    await engine2.stop();
    expect(done.status).toBe('completed');
    expect(runs).toEqual(['first#1', 'second#1', 'second#2']);
    const events = await h.store.executions.readEvents(run.id);
    expect(events.find((e) => e.event_type === 'retry_attempted')?.data).toMatchObject({ attempt: 2, interrupted: true });
  });

  it('gives up an execution whose lease is lost while it is being carried on: no task runs, no slot stays held', async () => {
    const entered = gate();
    const runs: string[] = [];
    h = await openHarness({ 'test.hang': untilStopped(runs, 'first engine ', entered) });
    await register(h.store, 'demo.lost', workflow([{ id: 'only', action: 'test.hang' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.lost' });
    await entered.promise;
    await h.engine.stop();

    // A node carries the execution on (a claim) and, while it reads the history, its leases
    // lapse and it lets go (relinquish): the adoption must not go on driving it.
    const store2 = await h.reopen();
    const { reading, proceed } = holdHistoryReads(store2);
    const engine2 = createEngine({ store: store2, actions: actionsWith({
      'test.hang': handler(() => { runs.push('second engine'); return {}; }),
    }) });
    const full = engine2.capacity();
    const adoption = engine2.adopt(run.id);
    await reading.promise;
    const letGo = engine2.relinquish(run.id);
    proceed.open();
    await Promise.all([adoption, letGo]);
    expect(engine2.driving()).toEqual([]);
    expect(engine2.capacity()).toBe(full);
    await engine2.stop();
    expect(runs).toEqual(['first engine #1']);
  });

  it('answers every request to carry an execution on truly across a let-go: only requests made after it may leave a runner, and then one drives', async () => {
    const entered = gate();
    const runs: string[] = [];
    h = await openHarness({ 'test.hang': untilStopped(runs, 'first engine ', entered) });
    await register(h.store, 'demo.lost', workflow([{ id: 'only', action: 'test.hang', retry: { max_attempts: 3, initial_delay_ms: 0 } }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.lost' });
    await entered.promise;
    await h.engine.stop();

    // A claim carries it on and, while the history is read, a renewal hands the same lease
    // over again; then the lease lapses (relinquish), and a later renewal finds it still this
    // node's and hands it over once more. The let-go covers the first two requests, not the last.
    const store2 = await h.reopen();
    const { reading, proceed } = holdHistoryReads(store2);
    const resumed = gate();
    const engine2 = createEngine({ store: store2, actions: actionsWith({
      'test.hang': untilStopped(runs, 'second engine ', resumed),
    }) });
    const claimed = engine2.adopt(run.id);
    await reading.promise;
    const again = engine2.adopt(run.id);
    const letGo = engine2.relinquish(run.id);
    const later = engine2.adopt(run.id);
    proceed.open();
    const [first, second, , third] = await Promise.all([claimed, again, letGo, later]);
    expect([first, second]).toEqual([false, false]);
    expect(third).toBe(true);
    expect(engine2.driving()).toEqual([run.id]);
    await resumed.promise;
    await engine2.stop();
    expect(runs).toEqual(['first engine #1', 'second engine #2']);
  });

  it('runs an interrupted task with no retry policy again: the crash was not its failure', async () => {
    const entered = gate();
    h = await openHarness({ 'test.hang': handler(async (_input, _attempt, signal) => {
      entered.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return {};
    }) });
    await register(h.store, 'demo.once', workflow([{ id: 'only', action: 'test.hang' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.once' });
    await entered.promise;
    await h.engine.stop();
    const engine2 = createEngine({ store: await h.reopen(), actions: actionsWith({ 'test.hang': handler((_input, attempt) => ({ attempt })) }) });
    await engine2.start();
    const done = await engine2.waitForCompletion(run.id);
    await engine2.stop();
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({});
    const events = await h.store.executions.readEvents(run.id);
    expect(events.filter((e) => e.task_id === 'only').map((e) => [e.event_type, attemptOfEvent(e)])).toEqual([
      ['task_started', 1],
      ['retry_attempted', 2],
      ['task_started', 2],
      ['task_completed', 2],
    ]);
  });

  it('arms no timer for an execution that ends in its recovery step, so stop() leaves nothing running', async () => {
    const entered = gate();
    h = await openHarness({ 'test.hang': handler(async (_input, _attempt, signal) => {
      entered.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return {};
    }) }, { checkpoint_interval_s: 60 });
    await register(h.store, 'demo.out', workflow([{ id: 'only', action: 'test.hang' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.out' });
    await entered.promise;
    await h.engine.stop();
    const clock = new FakeClock();
    const engine2 = createEngine({ store: await h.reopen(), clock, actions: actionsWith({}), config: { checkpoint_interval_s: 60, limits: { max_task_interruptions: 0 } } });
    await engine2.start();
    const done = await engine2.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('INTERRUPTED');
    expect(clock.pending()).toBe(0);
    await engine2.stop();
  });

  it('starts a queued execution after a restart', async () => {
    const release = gate();
    h = await openHarness({ 'test.wait': handler(() => release.promise) }, { max_concurrent_workflows: 1 });
    await register(h.store, 'demo.q', workflow([{ id: 'w', action: 'test.wait' }]));
    await h.engine.startExecution({ workflow_ref: 'demo.q' });
    const queued = await h.engine.startExecution({ workflow_ref: 'demo.q' });
    await h.engine.stop();
    const store2 = await h.reopen();
    const engine2 = createEngine({ store: store2, actions: actionsWith({ 'test.wait': handler(() => ({})) }), config: { max_concurrent_workflows: 1, retry_max_attempts: 2, retry_initial_delay_ms: 0 } });
    await engine2.start();
    expect((await engine2.waitForCompletion(queued.id)).status).toBe('completed');
    await engine2.stop();
  });
});

describe('engine.cancel()', () => {
  it('cancels a queued execution before it starts', async () => {
    const release = gate();
    h = await openHarness({ 'test.wait': handler(() => release.promise) }, { max_concurrent_workflows: 1 });
    await register(h.store, 'demo.q', workflow([{ id: 'w', action: 'test.wait' }]));
    const first = await h.engine.startExecution({ workflow_ref: 'demo.q' });
    const queued = await h.engine.startExecution({ workflow_ref: 'demo.q' });
    expect((await h.engine.cancel(queued.id)).status).toBe('canceled');
    expect((await h.engine.readEvents(queued.id)).map((e) => e.event_type)).toEqual(['workflow_canceled']);
    release.open();
    expect((await h.engine.waitForCompletion(first.id)).status).toBe('completed');
  });
});

describe('automatic checkpoints', () => {
  it('takes a checkpoint every checkpoint_interval_s while the execution runs', async () => {
    const clock = new FakeClock();
    const release = gate();
    h = await openHarness({ 'test.wait': handler(() => release.promise) }, { checkpoint_interval_s: 60 }, clock);
    await register(h.store, 'demo.cp', workflow([{ id: 'w', action: 'test.wait' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.cp' });
    const created = nextEvent(h.engine, (e) => e.event_type === 'checkpoint_created');
    clock.advance(60_000);
    const event = await created;
    const [checkpoint] = await h.store.executions.listCheckpoints(run.id);
    expect(checkpoint?.seq).toBe(event.seq);
    expect((await h.engine.validateCheckpoint(checkpoint?.id ?? '')).valid).toBe(true);
    release.open();
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('completed');
  });
});
