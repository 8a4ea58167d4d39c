import { describe, it, expect } from 'vitest';
import { foldAll } from '../../../src/engine/fold.js';
import { snapshotOf, viewOf } from '../../../src/engine/state.js';
import type { ExecutionEvent } from '../../../src/core/events.js';
import { eventContractProblems } from '../../fixtures/event-contract.js';
import { body, Driver, START } from './driver.js';

describe('step() fan-out', () => {
  const fan = (extra = {}) =>
    body([{ id: 'each', with_items: '${input.list}', input: { v: '${item}', i: '${item_index}' }, ...extra }], {
      output: { all: '${tasks.each.output}' },
    });

  it('starts one run per item with ${item} and ${item_index}', () => {
    const d = new Driver(fan());
    d.start({ list: ['x', 'y'] });
    expect(d.commands.filter((c) => c.kind === 'StartTask')).toMatchObject([
      { item_index: 0, input: { v: 'x', i: 0 } },
      { item_index: 1, input: { v: 'y', i: 1 } },
    ]);
  });

  it('gives the results in item order whatever order they finish in', () => {
    const d = new Driver(fan());
    d.start({ list: [1, 2, 3] });
    d.complete('each', 'c', 2);
    d.complete('each', 'a', 0);
    d.complete('each', 'b', 1);
    expect(d.state.output).toEqual({ all: ['a', 'b', 'c'] });
  });

  it('runs at most the task concurrency of items at once', () => {
    const d = new Driver(fan({ concurrency: 2 }));
    d.start({ list: [1, 2, 3, 4] });
    expect(d.started()).toEqual(['each[0]', 'each[1]']);
    d.complete('each', 1, 0);
    expect(d.started()).toEqual(['each[2]']);
  });

  it('fails the task on the first item failure under fail_fast', () => {
    const d = new Driver(fan());
    d.start({ list: [1, 2] });
    const commands = d.fail('each', 'ACTION_FAILED', false, 0);
    expect(commands.map((c) => c.kind)).toContain('AbortUnit');
    expect(d.status('each')).toBe('failed');
    expect(d.state.status).toBe('failed');
  });

  it('runs every item under continue and leaves null for failed ones', () => {
    const d = new Driver(fan({ on_item_failure: 'continue' }));
    d.start({ list: [1, 2] });
    d.fail('each', 'ACTION_FAILED', false, 0);
    d.complete('each', 'ok', 1);
    expect(d.state.output).toEqual({ all: [null, 'ok'] });
  });

  it('fails the task with EXEC_LIMIT when there are more items than max_items', () => {
    const d = new Driver(fan(), { limits: { max_items: 2 } });
    d.start({ list: [1, 2, 3] });
    expect(d.state.tasks.each?.error?.type).toBe('EXEC_LIMIT');
  });
});

describe('step() controls', () => {
  const chain = body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]);

  it('starts nothing new while paused and carries on when resumed', () => {
    const d = new Driver(chain);
    d.start();
    d.send({ kind: 'pause' });
    d.complete('a');
    expect(d.started()).toEqual([]);
    expect(d.status('a')).toBe('completed');
    d.send({ kind: 'resume' });
    expect(d.started()).toEqual(['b']);
  });

  it('aborts running tasks on cancel, runs their on_error handler, then cancels', () => {
    const d = new Driver(body([{ id: 'a', on_error: 'cleanup' }, { id: 'b', depends_on: ['a'] }, { id: 'cleanup' }]));
    d.start();
    const commands = d.send({ kind: 'cancel' });
    expect(commands.map((c) => c.kind)).toEqual(['RequestCancel', 'AbortUnit']);
    d.fail('a', 'CANCELED', false);
    expect(d.status('a')).toBe('canceled');
    expect(d.started()).toEqual(['cleanup']);
    d.complete('cleanup');
    expect(d.state.status).toBe('canceled');
    expect(d.status('b')).toBe('skipped');
  });

  it('records still-running tasks as canceled when the grace period ends', () => {
    const d = new Driver(chain);
    d.start();
    d.send({ kind: 'cancel' });
    d.now += 5000;
    d.send({ kind: 'cancel_grace_expired' });
    expect(d.status('a')).toBe('canceled');
    expect(d.state.status).toBe('canceled');
  });

  it('terminates at once without running handlers', () => {
    const d = new Driver(body([{ id: 'a', on_error: 'h' }, { id: 'h' }]));
    d.start();
    d.send({ kind: 'terminate' });
    expect(d.state.status).toBe('canceled');
    expect(d.events.at(-1)?.data).toEqual({ terminated: true });
    expect(d.fail('a')).toEqual([]);
  });

  it('retries a failed execution from its failed tasks without rerunning completed ones', () => {
    const d = new Driver(chain);
    d.start();
    d.complete('a');
    d.fail('b', 'ACTION_FAILED', false);
    expect(d.state.status).toBe('failed');
    d.send({ kind: 'retry_execution' });
    expect(d.started()).toEqual(['b']);
    expect(d.attemptOf('b')).toBe(2);
    d.complete('b');
    expect(d.state.status).toBe('completed');
    expect(d.types().filter((t) => t === 'task_started:a')).toHaveLength(1);
  });

  it('reruns a task and its downstream closure', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    d.start();
    d.complete('a');
    d.complete('b');
    d.complete('c');
    d.send({ kind: 'rerun', task_id: 'b' });
    expect(d.events.at(-2)?.data).toMatchObject({ mode: 'rerun', reset: ['b', 'c'] });
    expect(d.started()).toEqual(['b']);
    expect(d.status('a')).toBe('completed');
  });

  it('skips a pending task by hand once its upstream is done, and lets its dependants run', () => {
    const d = new Driver(chain);
    d.start();
    d.send({ kind: 'skip', task_id: 'b' });
    expect(d.state.tasks.b?.status).toBe('pending');
    d.complete('a');
    expect(d.state.tasks.b?.skip_reason).toBe('manual');
    expect(d.state.status).toBe('completed');
  });

  it('records a skip of a task that is not ready as a request the fold keeps', () => {
    const d = new Driver(chain);
    d.start();
    d.send({ kind: 'skip', task_id: 'b' });
    const rebuilt = foldAll(d.ctx.plan, 'exec-1', 'wf-1', d.events);
    expect(rebuilt.tasks.b?.skip_requested).toBe(true);
    expect(d.events.at(-1)).toMatchObject({ event_type: 'skip_requested', task_id: 'b', data: {} });
  });

  it('records a cancel request as cancel_requested with its deadline', () => {
    const d = new Driver(chain, { cancel_grace_ms: 5000 });
    d.start();
    d.send({ kind: 'cancel' });
    expect(d.events.find((e) => e.event_type === 'cancel_requested')).toMatchObject({ data: { grace_ms: 5000, deadline_ms: d.now + 5000 } });
    expect(d.state.canceling).toBe(true);
  });
});

describe('fold() of histories written before cancel_requested and skip_requested', () => {
  it('reads the old error_occurred form of a skip request and of a cancel request', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    d.start();
    const base = { execution_id: 'exec-1', workflow_id: 'wf-1', timestamp: new Date(d.now).toISOString() };
    const old: ExecutionEvent[] = [
      ...d.events,
      { ...base, event_type: 'error_occurred', task_id: 'b', seq: d.events.length + 1, data: { kind: 'skip_requested' } },
      { ...base, event_type: 'error_occurred', seq: d.events.length + 2, data: { kind: 'cancel_requested', grace_ms: 5000, deadline_ms: d.now + 5000 } },
    ];
    const rebuilt = foldAll(d.ctx.plan, 'exec-1', 'wf-1', old);
    expect(rebuilt.tasks.b?.skip_requested).toBe(true);
    expect([rebuilt.canceling, rebuilt.cancel_requested_ms]).toEqual([true, d.now]);
    expect(eventContractProblems(old)).toEqual([]);
  });
});

describe('foldAll()', () => {
  it('rebuilds from the history the same state the steps built', () => {
    const d = new Driver(body([{ id: 'a', retry: { max_attempts: 2, initial_delay_ms: 0 } }, { id: 'b', depends_on: ['a'], with_items: '${[1,2]}' }]));
    d.start();
    d.fail('a');
    d.complete('a', { n: 1 });
    d.complete('b', 1, 0);
    const rebuilt = foldAll(d.ctx.plan, 'exec-1', 'wf-1', d.events);
    expect(snapshotOf(rebuilt)).toEqual(snapshotOf(d.state));
  });

  it('applies a snapshot so finished tasks are not run again', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    d.send({ kind: 'start', data: { ...START, snapshot: { tasks: { a: { status: 'completed', output: { n: 1 }, attempt: 1 } } } } });
    expect(d.started()).toEqual(['b']);
  });

  it("shows a restored task's output to the expressions of the tasks after it", () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'], input: { n: '${tasks.a.output.n}', s: '${tasks.a.status}' } }]));
    d.send({ kind: 'start', data: { ...START, snapshot: { tasks: { a: { status: 'completed', output: { n: 7 }, attempt: 1 } } } } });
    expect(d.commands.find((c) => c.kind === 'StartTask')).toMatchObject({ task_id: 'b', input: { n: 7, s: 'completed' } });
    expect(viewOf(d.state).a).toEqual({ status: 'completed', output: { n: 7 }, error: null });
  });
});
