import { afterEach, describe, expect, it } from 'vitest';
import { executionIdOf } from '../../../src/triggers/fire-runner.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { gate, handler } from '../engine/helpers.js';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('createScheduler() on SQLite with a fake clock', () => {
  it('fires an every-10s schedule at each scheduled time and records the execution it started', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, input: { n: 1 } } });
    const scheduler = h.scheduler();
    await scheduler.start();
    for (let i = 0; i < 3; i += 1) {
      h.clock.advance(10_000);
      await scheduler.poke();
      // Under the default overlap policy (skip) the next fire waits for this one to finish.
      await h.engine.waitForCompletion(h.fires.at(-1)!.execution_id!);
    }
    expect(secondsOf(h.fires)).toEqual([10, 20, 30]);
    expect(h.fires.every((f) => f.status === 'started' && f.reason === 'schedule' && f.trigger_id === 'demo.tick/often')).toBe(true);
    const first = h.fires[0]!;
    const execution = await h.engine.waitForCompletion(first.execution_id!);
    expect(execution).toMatchObject({ workflow_ref: 'demo.tick', status: 'completed', input: { n: 1 } });
    expect(await h.store.triggers.fireOfExecution(execution.id)).toMatchObject({ trigger_id: 'demo.tick/often', scheduled_at: '2026-01-01T00:00:10.000Z' });
  });

  it('fires a six-field cron in its time zone', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.cron', { c: { cron: '*/15 * * * * *', timezone: 'Asia/Kolkata' } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(31_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([15, 30]);
  });

  it('fires a time as scheduled, not as a catch-up, when a running scheduler\'s pass comes late', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000 } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    // A busy process: the next pass runs 25 s after its last one, far past the reload interval.
    h.clock.advance(25_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([10, 20, 30]);
    expect(h.fires.map((f) => f.reason)).toEqual(['schedule', 'schedule', 'schedule']);
  });

  it('takes fires missed while stopped once, only those within the catch-up window', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, catchup_window_ms: 25_000 } });
    const first = h.scheduler();
    await first.start();
    h.clock.advance(10_000);
    await first.poke();
    await first.stop();
    h.clock.advance(60_000); // down from 10s to 70s: 20..70 were missed, the window keeps 50, 60, 70
    const restarted = h.scheduler();
    await restarted.start();
    expect(secondsOf(h.fires)).toEqual([10, 50, 60, 70]);
    expect(h.fires.slice(1, 3).map((f) => f.reason)).toEqual(['catchup', 'catchup']);
    const again = h.scheduler('node-b');
    await again.start();
    expect(h.fires).toHaveLength(4);
  });

  it('skips a fire while the execution it started still runs (overlap skip)', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 10_000 } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    h.clock.advance(10_000);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'skipped']);
    expect(h.fires[1]!.detail).toContain(h.fires[0]!.execution_id!);
    open.open();
    await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    h.clock.advance(10_000);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'skipped', 'started']);
  });

  it('keeps skipping while the execution runs, however many fires it has skipped (overlap skip)', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 1_000 } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    // A one-second schedule of an execution that runs 40 s: one start, then only skips.
    for (let i = 0; i < 40; i += 1) {
      h.clock.advance(1_000);
      await scheduler.poke();
    }
    expect(h.fires.filter((f) => f.status === 'started')).toHaveLength(1);
    expect(h.fires.filter((f) => f.status === 'skipped')).toHaveLength(39);
    open.open();
  });

  it('starts no buffered fire while its schedule is paused, and starts it once resumed', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'buffer_one' } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(20_000);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'buffered']);
    await h.store.triggers.setPaused('demo.slow/s', true, 'incident', new Date(h.clock.now()).toISOString());
    open.open();
    await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'buffered']);
    await h.store.triggers.setPaused('demo.slow/s', false, null, new Date(h.clock.now()).toISOString());
    await scheduler.poke();
    expect(h.fires.at(-1)).toMatchObject({ status: 'started', scheduled_at: '2026-01-01T00:00:20.000Z' });
  });

  it('drops a buffered fire whose schedule was removed (re-synced without it), with the reason, and starts nothing for it', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'buffer_one' } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(20_000);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'buffered']);
    await h.register('demo.slow', null, 'test.block');
    h.clock.advance(60_000);
    await scheduler.poke();
    const dropped = await h.store.triggers.getFire('demo.slow/s', '2026-01-01T00:00:20.000Z');
    expect(dropped).toMatchObject({ status: 'skipped', execution_id: null, detail: "dropped: trigger 's' is no longer a schedule of workflow 'demo.slow' (removed from its file while this fire waited)" });
    expect(h.fires.at(-1)).toMatchObject({ status: 'skipped', scheduled_at: '2026-01-01T00:00:20.000Z' });
    open.open();
    await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    await scheduler.poke();
    expect(await h.store.triggers.listFiresByStatus('buffered')).toEqual([]);
    expect((await h.store.triggers.listFires('demo.slow/s', 10)).map((f) => f.status)).toEqual(['skipped', 'started']);
  });

  it('buffers one fire and skips the next under buffer_one, then starts the buffered one', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'buffer_one' } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    for (let i = 0; i < 3; i += 1) {
      h.clock.advance(10_000);
      await scheduler.poke();
    }
    expect(h.fires.map((f) => `${f.status}@${secondsOf([f])[0]}`)).toEqual(['started@10', 'buffered@20', 'skipped@30']);
    open.open();
    await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    await scheduler.poke();
    expect(h.fires.at(-1)).toMatchObject({ status: 'started', scheduled_at: '2026-01-01T00:00:20.000Z' });
  });

  it('cancels the running execution under cancel_other', async () => {
    h = await openSchedulerHarness({ 'test.block': handler((_input, _attempt, signal) => new Promise((resolve) => signal.addEventListener('abort', resolve))) });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'cancel_other' } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    h.clock.advance(10_000);
    await scheduler.poke();
    // The canceled execution ends a moment later (its runner takes the abort): the new one waits for that.
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'buffered']);
    expect((await h.engine.waitForCompletion(h.fires[0]!.execution_id!)).status).toBe('canceled');
    await scheduler.poke();
    expect(h.fires.map((f) => [f.scheduled_at.slice(17, 19), f.status])).toEqual([['10', 'started'], ['20', 'buffered'], ['20', 'started']]);
  });

  it('starts every fire under allow_all', async () => {
    const open = gate();
    h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'allow_all' } }, 'test.block');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(20_000);
    await scheduler.poke();
    expect(h.fires.map((f) => f.status)).toEqual(['started', 'started']);
    open.open();
  });

  it('follows a synced change at once and stops a removed trigger', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000 } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    await h.register('demo.tick', { often: { every_ms: 5_000 } });
    h.clock.advance(5_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([10, 15]);
    await h.register('demo.tick', null);
    h.clock.advance(30_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([10, 15]);
  });

  it('fires none of the times that passed while the file disabled or dropped it, once it is back (as a resume does not)', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all' } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(1_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1]);
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all', enabled: false } });
    for (let i = 0; i < 30; i += 1) {
      h.clock.advance(1_000);
      await scheduler.poke();
    }
    expect(secondsOf(h.fires)).toEqual([1]);
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all' } });
    h.clock.advance(1_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1, 32]);
    // removed from the file, then put back: the same
    await h.register('demo.tick', null);
    h.clock.advance(20_000);
    await scheduler.poke();
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all' } });
    h.clock.advance(1_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1, 32, 53]);
    // stored, not only this process's: a scheduler started now (a restart) does not catch the gap up either
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all', enabled: false } });
    h.clock.advance(20_000);
    await scheduler.poke();
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all' } });
    await scheduler.poke();
    await scheduler.stop();
    const restarted = h.scheduler();
    await restarted.start();
    expect(secondsOf(h.fires)).toEqual([1, 32, 53]);
  });

  it('fires none of the times past an end_at that a later file moves on, only those after that change', async () => {
    h = await openSchedulerHarness();
    const until = (end: string) => ({ often: { every_ms: 1_000, overlap: 'allow_all' as const, end_at: end } });
    await h.register('demo.tick', until('2026-01-01T00:00:05.000Z'));
    const scheduler = h.scheduler();
    await scheduler.start();
    for (let i = 0; i < 10; i += 1) {
      h.clock.advance(1_000);
      await scheduler.poke();
    }
    expect(secondsOf(h.fires)).toEqual([1, 2, 3, 4]);
    await h.register('demo.tick', until('2026-01-01T00:01:00.000Z'));
    h.clock.advance(1_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1, 2, 3, 4, 11]);
  });

  it('never fires a disabled schedule, nor outside start_at and end_at', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.off', { off: { every_ms: 10_000, enabled: false } });
    await h.register('demo.window', { w: { every_ms: 10_000, start_at: '2026-01-01T00:00:20.000Z', end_at: '2026-01-01T00:00:40.000Z' } });
    const scheduler = h.scheduler();
    await scheduler.start();
    for (let i = 0; i < 6; i += 1) {
      h.clock.advance(10_000);
      await scheduler.poke();
    }
    expect(h.fires.map((f) => `${f.trigger_id}@${secondsOf([f])[0]}`)).toEqual(['demo.window/w@20', 'demo.window/w@30']);
  });

  it('records a fire whose input the workflow refuses as failed, with the reason', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, input: { unknown: 1 } } });
    await h.store.registry.addVersion({
      kind: 'workflow', ref: 'demo.typed', pack_ref: 'demo', content_hash: 'typed', source: '', file: 'workflows/typed.yaml', origin: { source: 'local' },
      body: { version: '1', input: { n: { type: 'integer', required: true } }, context: {}, output: {}, error_handlers: [], tasks: [{ id: 'a', action: 'core.noop', depends_on: [], input: {} }], triggers: { t: { schedule: { timezone: 'UTC', input: {}, overlap: 'skip', catchup_window_ms: 60_000, jitter_ms: 0, enabled: true, every_ms: 10_000 } } } },
    });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    const typed = h.fires.find((f) => f.trigger_id === 'demo.typed/t');
    expect(typed).toMatchObject({ status: 'failed', execution_id: null });
    expect(typed?.detail).toMatch(/n/);
  });

  it('takes over a fire a dead node recorded but never settled', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, overlap: 'allow_all' } });
    const at = '2026-01-01T00:00:10.000Z';
    await h.store.triggers.insertFire({ trigger_id: 'demo.tick/often', scheduled_at: at, reason: 'schedule', status: 'starting', execution_id: null, source_execution_id: null, node_id: 'dead', detail: null, created_at: at, updated_at: at });
    h.clock.advance(15_000);
    const scheduler = h.scheduler();
    await scheduler.start();
    expect(h.fires).toEqual([]); // 5 s old: the other node may still be starting it
    h.clock.advance(30_000);
    await scheduler.poke();
    expect(h.fires.find((f) => f.scheduled_at === at)).toMatchObject({ status: 'started', node_id: 'node-a' });
  });

  it('finds the execution a dead node started but never recorded, and starts no second one', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, overlap: 'allow_all' } });
    const at = '2026-01-01T00:00:10.000Z';
    await h.store.triggers.insertFire({ trigger_id: 'demo.tick/often', scheduled_at: at, reason: 'schedule', status: 'starting', execution_id: null, source_execution_id: null, node_id: 'dead', detail: null, created_at: at, updated_at: at });
    const id = executionIdOf('demo.tick/often', at);
    await h.engine.startExecution({ workflow_ref: 'demo.tick', id, trigger: { id: 'demo.tick/often', scheduled_at: at, reason: 'schedule' } });
    h.clock.advance(45_000);
    const scheduler = h.scheduler();
    await scheduler.start();
    expect(h.fires.find((f) => f.scheduled_at === at)).toMatchObject({ status: 'started', execution_id: id });
    const runs = await h.store.executions.listExecutions({ workflow_ref: 'demo.tick' });
    expect(runs.items.filter((r) => r.id === id)).toHaveLength(1);
    expect(runs.total).toBe(h.fires.filter((f) => f.status === 'started').length);
  });

  it('records the trigger and scheduled time in the workflow_started event', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000 } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    const [started] = await h.engine.readEvents(h.fires[0]!.execution_id!, 0, 1);
    expect(started).toMatchObject({ event_type: 'workflow_started', data: { trigger: { id: 'demo.tick/often', scheduled_at: '2026-01-01T00:00:10.000Z', reason: 'schedule' } } });
  });

  it('renders trigger.* expressions of the input for each fire', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, input: { day: '${trigger.scheduled_time}', label: '${trigger.name} (${trigger.reason})' } } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    const execution = await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    expect(execution.input).toEqual({ day: '2026-01-01T00:00:10.000Z', label: 'often (schedule)' });
  });

  it('starts an after-trigger once per source execution that ends with a listed status, with its output mapped', async () => {
    h = await openSchedulerHarness({ 'test.fail': handler(() => Promise.reject(Object.assign(new Error('no'), { retriable: false }))) });
    const add = (ref: string, body: ReturnType<typeof workflowBody>) =>
      h!.store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'demo', content_hash: ref, body, source: '', file: 'w.yaml', origin: { source: 'local' } });
    await add('demo.src', workflowBody([{ id: 'a' }], { output: { version: 42 }, input: { fail: { type: 'boolean', default: false } } }));
    await add('demo.bad', workflowBody([{ id: 'a', action: 'test.fail' }]));
    await add('demo.next', workflowBody([{ id: 'a' }], {
      triggers: {
        on_src: { after: { workflow: 'demo.src', status: ['completed'], input: { v: '${trigger.output.version}', from: '${trigger.execution_id}' } } },
        on_bad: { after: { workflow: 'demo.bad', status: ['failed'], input: {} } },
      },
    }));
    const scheduler = h.scheduler();
    await scheduler.start();
    const src = await h.engine.startExecution({ workflow_ref: 'demo.src' });
    await h.engine.waitForCompletion(src.id);
    const bad = await h.engine.startExecution({ workflow_ref: 'demo.bad' });
    expect((await h.engine.waitForCompletion(bad.id)).status).toBe('failed');
    await scheduler.poke();
    await scheduler.poke();
    expect(h.fires.map((f) => [f.trigger_id, f.reason, f.status, f.source_execution_id])).toEqual([
      ['demo.next/on_src', 'after', 'started', src.id],
      ['demo.next/on_bad', 'after', 'started', bad.id],
    ]);
    const next = await h.engine.waitForCompletion(h.fires[0]!.execution_id!);
    expect(next.input).toEqual({ v: 42, from: src.id });
  });

  it('starts nothing for the ends an after-trigger missed while it was out of its file, once it is back', async () => {
    h = await openSchedulerHarness();
    let n = 0;
    const add = (ref: string, body: ReturnType<typeof workflowBody>) =>
      h!.store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'demo', content_hash: `${ref}-${(n += 1)}`, body, source: '', file: 'w.yaml', origin: { source: 'local' } });
    const withTrigger = () => workflowBody([{ id: 'a' }], { triggers: { on_src: { after: { workflow: 'demo.src', status: ['completed'], input: {} } } } });
    const runSource = async () => (await h!.engine.waitForCompletion((await h!.engine.startExecution({ workflow_ref: 'demo.src' })).id)).id;
    await add('demo.src', workflowBody([{ id: 'a' }]));
    await add('demo.next', withTrigger());
    const scheduler = h.scheduler();
    await scheduler.start();
    const first = await runSource();
    await scheduler.poke();
    await add('demo.next', workflowBody([{ id: 'a' }]));
    h.clock.advance(1_000);
    await runSource();
    await runSource();
    h.clock.advance(1_000);
    await scheduler.poke();
    h.clock.advance(1_000);
    await add('demo.next', withTrigger());
    await scheduler.poke();
    const last = await runSource();
    await scheduler.poke();
    expect(h.fires.map((f) => f.source_execution_id)).toEqual([first, last]);
  });

  it('stops a ring of after-triggers validation could not see after max_after_chain executions in a row', async () => {
    h = await openSchedulerHarness();
    const add = (ref: string, body: ReturnType<typeof workflowBody>) =>
      h!.store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'demo', content_hash: ref, body, source: '', file: 'w.yaml', origin: { source: 'local' } });
    // Registered one by one, as through the API: each on its own passes validation.
    await add('demo.ping', workflowBody([{ id: 'a' }], { triggers: { back: { after: { workflow: 'demo.pong', status: ['completed'], input: {} } } } }));
    await add('demo.pong', workflowBody([{ id: 'a' }], { triggers: { back: { after: { workflow: 'demo.ping', status: ['completed'], input: {} } } } }));
    await add('demo.self', workflowBody([{ id: 'a' }], { triggers: { again: { after: { workflow: 'demo.self', status: ['completed'], input: {} } } } }));
    const scheduler = h.scheduler('node-a', { max_after_chain: 3 });
    await scheduler.start();
    await h.engine.waitForCompletion((await h.engine.startExecution({ workflow_ref: 'demo.ping' })).id);
    await h.engine.waitForCompletion((await h.engine.startExecution({ workflow_ref: 'demo.self' })).id);
    // Each pass fires what ended before it; a ring left alone would go on at every pass.
    for (let pass = 0; pass < 8; pass += 1) {
      await scheduler.poke();
      await Promise.all(h.fires.filter((f) => f.execution_id !== null).map((f) => h!.engine.waitForCompletion(f.execution_id!)));
    }
    const byTrigger = (prefix: string) => h!.fires.filter((f) => f.trigger_id.startsWith(prefix)).map((f) => f.status);
    expect([...byTrigger('demo.ping/'), ...byTrigger('demo.pong/')].sort()).toEqual(['skipped', 'started', 'started', 'started']);
    expect(byTrigger('demo.self/')).toEqual(['started', 'started', 'started', 'skipped']);
    const skipped = h.fires.filter((f) => f.status === 'skipped');
    for (const fire of skipped) {
      expect(fire.execution_id).toBeNull();
      expect(fire.detail).toMatch(/^chain too long: after-triggers started 3 executions in a row/);
      expect(fire.detail).toContain('max_after_chain (3)');
    }
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.self' })).total).toBe(4);
    // Recorded, so later passes neither start it nor record it again.
    await scheduler.poke();
    expect(h.fires.filter((f) => f.status === 'skipped')).toHaveLength(2);
  });

  it('takes over an after-trigger fire a dead node left starting, finding the execution it had started', async () => {
    h = await openSchedulerHarness();
    const add = (ref: string, body: ReturnType<typeof workflowBody>) =>
      h!.store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'demo', content_hash: ref, body, source: '', file: 'w.yaml', origin: { source: 'local' } });
    await add('demo.src', workflowBody([{ id: 'a' }]));
    await add('demo.next', workflowBody([{ id: 'a' }], { triggers: { on_src: { after: { workflow: 'demo.src', status: ['completed'], input: {} } } } }));
    const src = await h.engine.startExecution({ workflow_ref: 'demo.src' });
    const ended = await h.engine.waitForCompletion(src.id);
    const at = ended.finished_at!;
    await h.store.triggers.ensureState('demo.next/on_src', at);
    await h.store.triggers.insertFire({ trigger_id: 'demo.next/on_src', scheduled_at: at, reason: 'after', status: 'starting', execution_id: null, source_execution_id: src.id, node_id: 'dead', detail: null, created_at: at, updated_at: at });
    const id = executionIdOf('demo.next/on_src', `after:${src.id}`);
    await h.engine.startExecution({ workflow_ref: 'demo.next', id });
    h.clock.advance(60_000);
    const scheduler = h.scheduler();
    await scheduler.start();
    expect(h.fires).toMatchObject([{ trigger_id: 'demo.next/on_src', status: 'started', execution_id: id, node_id: 'node-a' }]);
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.next' })).total).toBe(1);
  });
});
