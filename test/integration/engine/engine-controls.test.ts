import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { EVENT_TYPES } from '../../../src/core/model.js';
import { eventContractProblems } from '../../fixtures/event-contract.js';
import { gate, handler, nextEvent, openHarness, register, typedError, until, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('engine controls', () => {
  it('pauses (the running task finishes, nothing new starts) and resumes', async () => {
    const entered = gate();
    const release = gate();
    h = await openHarness({ 'test.hold': handler(async () => { entered.open(); await release.promise; return { held: true }; }) });
    await register(h.store, 'demo.pause', workflow([{ id: 'a', action: 'test.hold' }, { id: 'b', depends_on: ['a'] }]));
    const engine = h.engine;
    const run = await engine.startExecution({ workflow_ref: 'demo.pause' });
    await entered.promise;
    expect((await engine.pause(run.id)).status).toBe('paused');
    expect((await engine.pause(run.id)).status).toBe('paused');
    const aDone = nextEvent(engine, (e) => e.event_type === 'task_completed' && e.task_id === 'a');
    release.open();
    await aDone;
    const status = await engine.getStatus(run.id);
    expect(status.status).toBe('paused');
    expect(status.task_statuses.b?.status).toBe('pending');
    expect((await engine.resume(run.id)).status).toBe('running');
    expect((await engine.waitForCompletion(run.id)).status).toBe('completed');
  });

  it('cancels cooperatively: the child process of a running task is killed', async () => {
    h = await openHarness({}, { cancel_grace_ms: 10_000 });
    const pidFile = join(h.dir, 'pid');
    // Its pid as this process sees it (a task in its own PID namespace knows only its namespace pid).
    await register(h.store, 'demo.cancel', workflow([{ id: 'long', action: 'core.shell', input: { argv: ['sh', '-c', `read -r pid rest < /proc/self/stat; echo "$pid" > '${pidFile}'; exec sleep 30`] } }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.cancel' });
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the pid file');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(alive(pid)).toBe(true);
    await h.engine.cancel(run.id);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('canceled');
    await until(() => !alive(pid), 'the child to exit');
    expect(alive(pid)).toBe(false);
    expect((await h.engine.getStatus(run.id)).task_statuses.long?.status).toBe('canceled');
  });

  it('refuses to pause a finished execution with EXEC_INVALID_STATE', async () => {
    h = await openHarness();
    await register(h.store, 'demo.done', workflow([{ id: 'a' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.done' });
    await h.engine.waitForCompletion(run.id);
    await expect(h.engine.pause(run.id)).rejects.toMatchObject({ code: 'EXEC_INVALID_STATE' });
  });

  it('restores a checkpoint into a new execution that does not rerun finished tasks', async () => {
    const calls: string[] = [];
    const entered = gate();
    h = await openHarness({
      'test.count': handler((input) => { calls.push(String(input.name)); return { name: input.name }; }),
      'test.block': handler(async (_input, _attempt, signal) => {
        calls.push('block');
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw typedError('CANCELED', 'stopped', false);
      }),
    });
    await register(h.store, 'demo.cp', workflow([
      { id: 'first', action: 'test.count', input: { name: 'first' } },
      { id: 'second', action: 'test.block', depends_on: ['first'] },
    ], { output: { from: '${tasks.first.output.name}' } }));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.cp' });
    await entered.promise;
    const checkpoint = await h.engine.createCheckpoint(run.id);
    expect(await h.engine.validateCheckpoint(checkpoint.id)).toMatchObject({ valid: true, problems: [] });
    await h.engine.terminate(run.id);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('canceled');
    const secondStarted = nextEvent(h.engine, (e) => e.event_type === 'task_started' && e.task_id === 'second' && e.execution_id !== run.id);
    const restored = await h.engine.restoreCheckpoint(checkpoint.id);
    await secondStarted;
    await h.engine.terminate(restored.id);
    expect(calls.filter((c) => c === 'first')).toHaveLength(1);
    const events = await h.engine.readEvents(restored.id);
    expect(events[0]?.data).toMatchObject({ restored_from: { execution_id: run.id, checkpoint_id: checkpoint.id } });
    expect(events.some((e) => e.event_type === 'task_started' && e.task_id === 'first')).toBe(false);
  });

  it('records every event type but the operator skip, the legacy error_occurred and the durable waits\' (durable-waits.test.ts), seq growing by one, each payload matching the published schema', async () => {
    const entered = gate();
    const release = gate();
    let cRuns = 0;
    h = await openHarness({
      'test.flaky': handler((_i, attempt) => {
        if (attempt === 1) throw typedError('CONNECTION_ERROR', 'flaky');
        return {};
      }),
      'test.hold': handler(async () => { entered.open(); await release.promise; return {}; }),
      'test.c': handler(async (_i, _a, signal) => {
        cRuns += 1;
        if (cRuns === 1) throw typedError('ACTION_FAILED', 'first run fails', false);
        if (cRuns === 2) return { ok: true };
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw typedError('CANCELED', 'aborted', false);
      }),
    }, { cancel_grace_ms: 10_000 });
    await register(h.store, 'demo.all', workflow([
      { id: 'a', action: 'test.flaky', retry: { max_attempts: 2, initial_delay_ms: 0 } },
      { id: 'b', action: 'test.hold', depends_on: ['a'] },
      { id: 'c', action: 'test.c', depends_on: ['b'] },
      { id: 'd', condition: '${false}' },
    ]));
    const engine = h.engine;
    const run = await engine.startExecution({ workflow_ref: 'demo.all' });
    await entered.promise;
    await engine.pause(run.id);
    await engine.createCheckpoint(run.id);
    await engine.resume(run.id);
    release.open();
    expect((await engine.waitForCompletion(run.id)).status).toBe('failed');
    await engine.retry(run.id);
    expect((await engine.waitForCompletion(run.id)).status).toBe('completed');
    const cStarted = nextEvent(engine, (e) => e.event_type === 'task_started' && e.task_id === 'c');
    await engine.rerunFrom(run.id, 'c');
    await cStarted;
    await engine.cancel(run.id);
    expect((await engine.waitForCompletion(run.id)).status).toBe('canceled');
    const events = await engine.readEvents(run.id);
    const notHere = new Set(['skip_requested', 'error_occurred', 'task_waiting', 'signal_received', 'approval_decided']);
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(EVENT_TYPES.filter((type) => !notHere.has(type))));
    expect(eventContractProblems(events)).toEqual([]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(events.filter((e) => e.event_type === 'task_started' && e.task_id === 'a')).toHaveLength(2);
  });

  it('skips a pending task by hand so its dependants still run', async () => {
    const entered = gate();
    const release = gate();
    h = await openHarness({ 'test.hold': handler(async () => { entered.open(); await release.promise; return {}; }) });
    await register(h.store, 'demo.skip', workflow([{ id: 'a', action: 'test.hold' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.skip' });
    await entered.promise;
    await h.engine.skipTask(run.id, 'b');
    await h.engine.skipTask(run.id, 'b');
    release.open();
    await h.engine.waitForCompletion(run.id);
    const status = await h.engine.getStatus(run.id);
    expect([status.task_statuses.b?.status, status.task_statuses.c?.status]).toEqual(['skipped', 'completed']);
    const events = await h.engine.readEvents(run.id);
    expect(events.filter((e) => e.event_type === 'skip_requested').map((e) => e.task_id)).toEqual(['b']);
    expect(events.some((e) => e.event_type === 'error_occurred')).toBe(false);
    expect(eventContractProblems(events)).toEqual([]);
  });

  it('cascades pause and cancel to a running sub-workflow', async () => {
    const entered = gate();
    h = await openHarness({
      'test.block': handler(async (_i, _a, signal) => {
        entered.open();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw typedError('CANCELED', 'aborted', false);
      }),
    });
    await register(h.store, 'demo.inner', workflow([{ id: 'x', action: 'test.block' }]));
    await register(h.store, 'demo.outer', workflow([{ id: 'sub', action: 'core.workflow', input: { workflow: 'demo.inner', input: {} } }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.outer' });
    await entered.promise;
    const child = (await h.store.executions.listExecutions({ workflow_ref: 'demo.inner' })).items[0];
    expect(child?.parent_execution_id).toBe(run.id);
    await h.engine.pause(run.id);
    expect((await h.engine.getExecution(child?.id ?? '')).status).toBe('paused');
    await h.engine.resume(run.id);
    await h.engine.cancel(run.id);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('canceled');
    expect((await h.engine.waitForCompletion(child?.id ?? '')).status).toBe('canceled');
  });
});

describe('SqliteExecutionRepo.appendEvents()', () => {
  it('refuses a duplicate seq with STORE_CONFLICT', async () => {
    h = await openHarness();
    await register(h.store, 'demo.one', workflow([{ id: 'a' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.one' });
    await h.engine.waitForCompletion(run.id);
    const [first] = await h.engine.readEvents(run.id);
    await expect(h.store.executions.appendEvents([first as never])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
  });
});
