import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { actionsWith, handler, nextEvent, openHarness, register, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const admin = { id: 'env:1', names: [], scopes: ['admin'] };
const waiting = (task: string) => (e: { event_type: string; task_id?: string }) => e.event_type === 'task_waiting' && e.task_id === task;

describe('durable waits', () => {
  it('completes a core.signal task with the payload of the signal it waited for', async () => {
    h = await openHarness();
    await register(h.store, 'demo.sig', workflow([
      { id: 'wait', action: 'core.signal', input: { name: 'go' } },
      { id: 'after', action: 'core.echo', input: { got: '${tasks.wait.output.amount}' }, depends_on: ['wait'] },
    ], { output: { got: '${tasks.after.output.got}' } }));
    const seen = nextEvent(h.engine, waiting('wait'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.sig' });
    await seen;
    expect((await h.engine.getWaits(run.id)).waits).toMatchObject([{ task_id: 'wait', kind: 'signal', signal: 'go', deadline: null }]);
    await h.engine.signal(run.id, 'go', { amount: 42 }, 'env:1');
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ got: 42 });
    const events = await h.engine.readEvents(run.id);
    expect(events.find((e) => e.event_type === 'signal_received')?.data).toMatchObject({ name: 'go', payload: { amount: 42 }, sent_by: 'env:1' });
  });

  it('keeps a signal sent before its task waits, and hands it over when the task starts waiting', async () => {
    h = await openHarness();
    await register(h.store, 'demo.early', workflow([
      { id: 'first', action: 'core.signal', input: { name: 'a' } },
      { id: 'second', action: 'core.signal', input: { name: 'b' }, depends_on: ['first'] },
    ], { output: { b: '${tasks.second.output.n}' } }));
    const seen = nextEvent(h.engine, waiting('first'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.early' });
    await seen;
    await h.engine.signal(run.id, 'b', { n: 2 }, null);
    expect((await h.engine.getWaits(run.id)).buffered_signals).toMatchObject([{ name: 'b' }]);
    await h.engine.signal(run.id, 'a', { n: 1 }, null);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ b: 2 });
  });

  it('fails a signal wait with TIMEOUT at its timeout, on the engine clock', async () => {
    const clock = new FakeClock();
    h = await openHarness({}, {}, clock);
    await register(h.store, 'demo.timeout', workflow([{ id: 'wait', action: 'core.signal', input: { name: 'never', timeout: '2h' } }]));
    const seen = nextEvent(h.engine, waiting('wait'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.timeout' });
    await seen;
    clock.advance(7_200_000 - 1);
    expect((await h.engine.getExecution(run.id)).status).toBe('running');
    clock.advance(1);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('TIMEOUT');
  });

  it('sleeps until a time and for days without a process, then completes', async () => {
    const clock = new FakeClock();
    // The default max_execution_time_ms (one day) does not count time spent waiting.
    h = await openHarness({}, {}, clock);
    const until = new Date(clock.now() + 3_600_000).toISOString();
    await register(h.store, 'demo.sleep', workflow([
      { id: 'nap', action: 'core.sleep', input: { until } },
      { id: 'long', action: 'core.sleep', input: { duration: '3d' }, depends_on: ['nap'] },
    ]));
    const seen = nextEvent(h.engine, waiting('long'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.sleep' });
    clock.advance(3_600_000);
    await seen;
    clock.advance(3 * 86_400_000);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.status).toBe('completed');
    const status = await h.engine.getStatus(run.id);
    expect(status.task_statuses.long?.status).toBe('completed');
  });

  it('counts running time, not waiting time, against max_execution_time_ms', async () => {
    const clock = new FakeClock();
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    const hang = handler(async (_input, _attempt, signal) => {
      began();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw new Error('stopped');
    });
    h = await openHarness({ 'test.hang': hang }, { max_execution_time_ms: 10_000, default_timeout_ms: 1_000_000 }, clock);
    await register(h.store, 'demo.limit', workflow([
      { id: 'nap', action: 'core.sleep', input: { duration: '1h' } },
      { id: 'work', action: 'test.hang', depends_on: ['nap'] },
    ]));
    const seen = nextEvent(h.engine, waiting('nap'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.limit' });
    await seen;
    clock.advance(3_600_000);
    await started;
    clock.advance(9_999);
    expect((await h.engine.getExecution(run.id)).status).toBe('running');
    clock.advance(1);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.error).toMatchObject({ type: 'TIMEOUT', message: expect.stringContaining('max_execution_time_ms') });
  });

  it('approves and rejects: output holds the decision, who and when; a reject fails with REJECTED', async () => {
    h = await openHarness();
    await register(h.store, 'demo.approve', workflow([{ id: 'gate', action: 'core.approval', input: { message: 'ship?' } }], { output: { d: '${tasks.gate.output}' } }));
    let seen = nextEvent(h.engine, waiting('gate'));
    const yes = await h.engine.startExecution({ workflow_ref: 'demo.approve' });
    await seen;
    seen = nextEvent(h.engine, waiting('gate'));
    const no = await h.engine.startExecution({ workflow_ref: 'demo.approve' });
    await seen;
    await h.engine.decideApproval(yes.id, 'gate', 'approve', admin, 'fine');
    await h.engine.decideApproval(no.id, 'gate', 'reject', admin, 'not today');
    const approved = await h.engine.waitForCompletion(yes.id);
    expect(approved.output?.d).toMatchObject({ decision: 'approve', by: 'env:1', comment: 'fine' });
    const rejected = await h.engine.waitForCompletion(no.id);
    expect(rejected.status).toBe('failed');
    expect(rejected.error).toMatchObject({ type: 'REJECTED' });
    const events = await h.engine.readEvents(no.id);
    expect(events.find((e) => e.event_type === 'approval_decided')).toMatchObject({ task_id: 'gate', data: { decision: 'reject', by: 'env:1', comment: 'not today' } });
  });

  it('refuses a decider without the scope or not among the approvers', async () => {
    h = await openHarness();
    await register(h.store, 'demo.listed', workflow([{ id: 'gate', action: 'core.approval', input: { approvers: ['alice'] } }]));
    const seen = nextEvent(h.engine, waiting('gate'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.listed' });
    await seen;
    await expect(h.engine.decideApproval(run.id, 'gate', 'approve', { id: 'tok_1', names: ['bob'], scopes: ['read', 'write'] }, null)).rejects.toMatchObject({ code: 'AUTH_FORBIDDEN' });
    await expect(h.engine.decideApproval(run.id, 'gate', 'approve', { id: 'tok_2', names: ['bob'], scopes: ['approve'] }, null)).rejects.toMatchObject({ code: 'AUTH_FORBIDDEN' });
    await h.engine.decideApproval(run.id, 'gate', 'approve', { id: 'tok_3', names: ['alice'], scopes: ['approve'] }, null);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('completed');
  });

  it('expires an approval with EXPIRED, and on_error branches on it', async () => {
    const clock = new FakeClock();
    h = await openHarness({}, {}, clock);
    await register(h.store, 'demo.expire', workflow([
      { id: 'gate', action: 'core.approval', input: { expiration_hours: 1 }, on_error: 'escalate' },
      { id: 'escalate', action: 'core.echo', input: { why: '${tasks.gate.error.type}' } },
    ], { output: { why: '${tasks.escalate.output.why}' } }));
    const seen = nextEvent(h.engine, waiting('gate'));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.expire' });
    await seen;
    clock.advance(3_600_000);
    const done = await h.engine.waitForCompletion(run.id);
    expect(done.output).toEqual({ why: 'EXPIRED' });
  });

  it('refuses a signal to a finished or unknown execution with a code', async () => {
    h = await openHarness();
    await register(h.store, 'demo.quick', workflow([{ id: 'a', action: 'core.noop' }]));
    const run = await h.engine.startExecution({ workflow_ref: 'demo.quick' });
    await h.engine.waitForCompletion(run.id);
    await expect(h.engine.signal(run.id, 'go', {}, null)).rejects.toMatchObject({ code: 'EXEC_INVALID_STATE' });
    await expect(h.engine.signal('nope', 'go', {}, null)).rejects.toMatchObject({ code: 'EXEC_NOT_FOUND' });
    await expect(h.engine.signal(run.id, 'bad name!', {}, null)).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
  });

  it('holds no workflow slot while waiting: more waiting executions than max_concurrent_workflows all reach waiting', async () => {
    h = await openHarness({}, { max_concurrent_workflows: 2 });
    await register(h.store, 'demo.slots', workflow([{ id: 'wait', action: 'core.signal', input: { name: 'go' } }]));
    let count = 0;
    const allWaiting = new Promise<void>((resolve) => {
      const off = h?.engine.bus.subscribe({}, (e) => {
        if (e.event_type === 'task_waiting' && ++count === 5) {
          off?.();
          resolve();
        }
      });
    });
    const runs = [];
    for (let i = 0; i < 5; i += 1) runs.push(await h.engine.startExecution({ workflow_ref: 'demo.slots' }));
    await allWaiting;
    expect(h.engine.capacity()).toBe(2);
    for (const run of runs) await h.engine.signal(run.id, 'go', {}, null);
    const done = await Promise.all(runs.map((run) => h?.engine.waitForCompletion(run.id)));
    expect(done.map((r) => r?.status)).toEqual(runs.map(() => 'completed'));
  });

  it('holds no task slot while waiting: with max_concurrent_tasks 1, three waits do not stop a task from running', async () => {
    h = await openHarness({}, { max_concurrent_tasks: 1 });
    await register(h.store, 'demo.task-slots', workflow([
      { id: 'w1', action: 'core.signal', input: { name: 'a' } },
      { id: 'w2', action: 'core.signal', input: { name: 'b' } },
      { id: 'w3', action: 'core.approval' },
      { id: 'work', action: 'core.echo', input: { ran: true } },
    ]));
    const worked = nextEvent(h.engine, (e) => e.event_type === 'task_completed' && e.task_id === 'work');
    const run = await h.engine.startExecution({ workflow_ref: 'demo.task-slots' });
    await worked;
    const status = await h.engine.getStatus(run.id);
    expect(['w1', 'w2', 'w3', 'work'].map((id) => status.task_statuses[id]?.status)).toEqual(['waiting', 'waiting', 'waiting', 'completed']);
    await h.engine.cancel(run.id);
    expect((await h.engine.waitForCompletion(run.id)).status).toBe('canceled');
    expect((await h.engine.getStatus(run.id)).task_statuses.w3?.status).toBe('canceled');
  });

  it('carries a wait across an engine restart: the signal after the restart ends it, the deadline is re-armed', async () => {
    const clock = new FakeClock();
    h = await openHarness({}, {}, clock);
    await register(h.store, 'demo.restart', workflow([
      { id: 'sig', action: 'core.signal', input: { name: 'go' } },
      { id: 'nap', action: 'core.sleep', input: { duration: '1h' } },
    ]));
    const seen = Promise.all([nextEvent(h.engine, waiting('sig')), nextEvent(h.engine, waiting('nap'))]);
    const run = await h.engine.startExecution({ workflow_ref: 'demo.restart' });
    await seen;
    await h.engine.stop();
    const store = await h.reopen();
    const second = createEngine({ store, actions: actionsWith({}), clock });
    await second.start();
    try {
      expect((await second.getWaits(run.id)).waits.map((w) => w.task_id).sort()).toEqual(['nap', 'sig']);
      await second.signal(run.id, 'go', { ok: true }, null);
      clock.advance(3_600_000);
      const done = await second.waitForCompletion(run.id);
      expect(done.status).toBe('completed');
    } finally {
      await second.stop();
    }
  });
});
