import { describe, expect, it } from 'vitest';
import { emptyFold, foldEvents, itemOf, mergeItems, type ItemsView } from '../../../src/core/task-fold.js';
import type { ExecutionEvent } from '../../../src/core/model.js';

let seq = 0;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function ev(event_type: ExecutionEvent['event_type'], task_id: string | undefined, data: Record<string, unknown> = {}, second = seq): ExecutionEvent {
  seq += 1;
  return { event_type, execution_id: 'e1', workflow_id: 'w1', ...(task_id ? { task_id } : {}), timestamp: at(second), seq, data } as ExecutionEvent;
}

describe('foldEvents()', () => {
  it('tracks each attempt of a retried task with its times and errors', () => {
    seq = 0;
    const error = { type: 'ACTION_FAILED', message: 'boom', retriable: true, attempt: 1 };
    const events = [
      ev('workflow_started', undefined),
      ev('task_started', 'build', { attempt: 1, input: { n: 1 } }),
      ev('retry_attempted', 'build', { attempt: 1, error }),
      ev('task_started', 'build', { attempt: 2, input: { n: 1 } }),
      ev('task_completed', 'build', { attempt: 2, output: { ok: true } }),
      ev('workflow_completed', undefined),
    ];
    const fold = foldEvents(emptyFold(), events);
    const build = fold.tasks.get('build');
    expect(fold.status).toBe('completed');
    expect(build).toMatchObject({ status: 'completed', output: { ok: true }, input: { n: 1 }, error: null });
    expect(build?.attempts.map((a) => [a.attempt, a.outcome, a.error?.message ?? null])).toEqual([
      [1, 'retrying', 'boom'],
      [2, 'completed', null],
    ]);
    expect(build?.attempts.every((a) => a.finished_at !== null)).toBe(true);
  });

  it('ignores events it has already applied, so a replay after a reconnect changes nothing', () => {
    seq = 0;
    const events = [ev('workflow_started', undefined), ev('task_started', 'a', { attempt: 1 }), ev('task_completed', 'a', { attempt: 1 })];
    const fold = foldEvents(emptyFold(), events);
    foldEvents(fold, events.slice(1));
    expect(fold.tasks.get('a')?.attempts).toHaveLength(1);
    expect(fold.last_seq).toBe(3);
  });

  it('sends the tasks a retry resets back to pending and keeps their earlier attempts', () => {
    seq = 0;
    const error = { type: 'ACTION_FAILED', message: 'no', retriable: false, attempt: 1 };
    const fold = foldEvents(emptyFold(), [
      ev('workflow_started', undefined),
      ev('task_started', 'a', { attempt: 1 }),
      ev('task_failed', 'a', { attempt: 1, error }),
      ev('workflow_failed', undefined, { error }),
      ev('workflow_resumed', undefined, { mode: 'retry', reset: ['a'] }),
    ]);
    expect(fold.status).toBe('running');
    expect(fold.tasks.get('a')).toMatchObject({ status: 'pending', error: null });
    expect(fold.tasks.get('a')?.attempts).toHaveLength(1);
  });

  it('marks a pending task whose skip was requested until it is skipped', () => {
    seq = 0;
    const fold = foldEvents(emptyFold(), [
      ev('workflow_started', undefined),
      ev('task_started', 'a', { attempt: 1 }),
      ev('error_occurred', 'b', { kind: 'skip_requested' }),
    ]);
    expect(fold.tasks.get('b')).toMatchObject({ status: 'pending', skip_requested: true });
    foldEvents(fold, [ev('task_completed', 'a', { output: {} }), ev('task_skipped', 'b', { reason: 'manual' })]);
    expect(fold.tasks.get('b')).toMatchObject({ status: 'skipped', skip_requested: false, skip_reason: 'manual' });
    // a rerun from it forgets why it was skipped
    foldEvents(fold, [ev('workflow_completed', undefined), ev('workflow_resumed', undefined, { mode: 'rerun', reset: ['b'] })]);
    expect(fold.tasks.get('b')).toMatchObject({ status: 'pending', skip_reason: null });
  });

  it('counts the items of a fan-out task without treating them as attempts', () => {
    seq = 0;
    const fold = foldEvents(emptyFold(), [
      ev('task_started', 'each', { attempt: 1, items: [1, 2, 3] }),
      ev('task_started', 'each', { attempt: 1, item_index: 0 }),
      ev('task_completed', 'each', { attempt: 1, item_index: 0, output: 1 }),
      ev('task_failed', 'each', { attempt: 1, item_index: 1, error: { type: 'X', message: 'x', retriable: false, attempt: 1 } }),
    ]);
    expect(fold.tasks.get('each')).toMatchObject({ status: 'running', items: { total: 3, completed: 1, failed: 1 } });
    expect(fold.tasks.get('each')?.attempts).toHaveLength(1);
  });

  it("keeps each fan-out item's latest attempt and outcome, so its child execution can be named", () => {
    seq = 0;
    const fold = foldEvents(emptyFold(), [
      ev('task_started', 'each', { attempt: 1, items: [1, 2, 3] }),
      ev('task_started', 'each', { attempt: 1, item_index: 0 }),
      ev('task_completed', 'each', { attempt: 1, item_index: 0, output: 1 }),
      ev('task_started', 'each', { attempt: 1, item_index: 2 }),
      ev('retry_attempted', 'each', { attempt: 1, item_index: 2, error: { type: 'X', message: 'x', retriable: true, attempt: 1 } }),
      ev('task_started', 'each', { attempt: 2, item_index: 2 }),
    ]);
    const states = (items: ItemsView | null | undefined) => [0, 1, 2].map((i) => (items ? itemOf(items, i) : null)).map((s) => [s?.attempt, s?.outcome]);
    expect(states(fold.tasks.get('each')?.items)).toEqual([
      [1, 'completed'],
      [0, 'pending'],
      [2, 'running'],
    ]);
    // a new attempt of the whole task starts its items afresh
    foldEvents(fold, [ev('task_failed', 'each', { attempt: 1, error: { type: 'X', message: 'x', retriable: true, attempt: 1 } }), ev('task_started', 'each', { attempt: 2, items: [1, 2] })]);
    expect(fold.tasks.get('each')?.items).toMatchObject({ total: 2, completed: 0, failed: 0 });
    expect(fold.tasks.get('each')?.items?.known.size).toBe(0);
  });

  it('closes attempts a cancel abandoned at the end of the execution', () => {
    seq = 0;
    const fold = foldEvents(emptyFold(), [ev('task_started', 'slow', { attempt: 1 }, 1), ev('workflow_canceled', undefined, {}, 5)]);
    expect(fold.tasks.get('slow')?.attempts[0]).toMatchObject({ outcome: 'canceled', finished_at: at(5) });
  });
});

describe('foldEvents() durable waits', () => {
  it('shows a task waiting for an approval as waiting, then as the decision ended it', () => {
    seq = 0;
    const waiting = foldEvents(emptyFold(), [
      ev('workflow_started', undefined),
      ev('task_waiting', 'review', { attempt: 1, input: { message: 'ok?' }, wait: { kind: 'approval' } }),
    ]);
    expect(waiting.tasks.get('review')).toMatchObject({ status: 'waiting', input: { message: 'ok?' } });
    expect(waiting.tasks.get('review')?.attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'waiting']]);
    const error = { type: 'REJECTED', message: "task 'review' was rejected by 'alice'", retriable: false, attempt: 1 };
    const decided = foldEvents(waiting, [
      ev('approval_decided', 'review', { attempt: 1, decision: 'reject', by: 'alice' }),
      ev('task_failed', 'review', { attempt: 1, error }),
    ]);
    expect(decided.tasks.get('review')).toMatchObject({ status: 'failed', error });
    expect(decided.tasks.get('review')?.attempts.map((a) => a.outcome)).toEqual(['failed']);
  });
});

describe('foldEvents() from views read at a position', () => {
  it('skips the events of a task its view already holds, and folds the rest', () => {
    seq = 0;
    const events = [
      ev('workflow_started', undefined),
      ev('task_started', 'a', { attempt: 1 }),
      ev('task_started', 'b', { attempt: 1 }),
      ev('task_completed', 'a', { output: 1 }),
      ev('task_completed', 'b', { output: 2 }),
      ev('workflow_completed', undefined),
    ];
    // a first page read at seq 3 (a running), a second at seq 5 (b completed)
    const fold = foldEvents(emptyFold(), events.slice(0, 3));
    fold.tasks.delete('b');
    const b = foldEvents(emptyFold(), events.slice(0, 5)).tasks.get('b');
    if (!b) throw new Error('b not folded');
    fold.tasks.set('b', { ...b, as_of: 5 });
    foldEvents(fold, events.slice(3));
    expect(fold.tasks.get('a')).toMatchObject({ status: 'completed', output: 1 });
    expect(fold.tasks.get('b')?.attempts.map((a) => a.outcome)).toEqual(['completed']);
    expect(fold.status).toBe('completed');
    expect(fold.last_seq).toBe(6);
  });

  it('keeps a page of items read later than an item event, and counts each event once', () => {
    seq = 0;
    const events = [
      ev('task_started', 'each', { attempt: 1, items: [1, 2] }),
      ev('task_started', 'each', { attempt: 1, item_index: 0 }),
      ev('task_completed', 'each', { attempt: 1, item_index: 0, output: 1 }),
      ev('task_started', 'each', { attempt: 1, item_index: 1 }),
    ];
    const fold = foldEvents(emptyFold(), events.slice(0, 2));
    const items = fold.tasks.get('each')?.items;
    if (!items) throw new Error('no items');
    // the page, read at seq 3, says item 0 completed; the stream then brings seq 3 and 4
    mergeItems(items, [{ index: 0, attempt: 1, outcome: 'completed' }, { index: 1, attempt: 0, outcome: 'pending' }], 3);
    foldEvents(fold, events.slice(2));
    expect([itemOf(items, 0).outcome, itemOf(items, 1).outcome]).toEqual(['completed', 'running']);
    expect(items.completed).toBe(1);
  });
});

describe('foldEvents() of a restored execution', () => {
  it("starts with its checkpoint's finished tasks, as the engine does", () => {
    seq = 0;
    const fold = foldEvents(emptyFold(), [
      ev('workflow_started', undefined, {
        restored_from: { execution_id: 'e0', checkpoint_id: 'c1', seq: 9 },
        snapshot: { tasks: { build: { status: 'completed', output: { ok: true }, attempt: 1 }, lint: { status: 'skipped', skip_reason: 'condition' } } },
      }),
      ev('task_started', 'deploy', { attempt: 1 }),
    ]);
    expect(fold.tasks.get('build')).toMatchObject({ status: 'completed', output: { ok: true }, attempts: [] });
    expect(fold.tasks.get('lint')).toMatchObject({ status: 'skipped', skip_reason: 'condition' });
    expect(fold.tasks.get('deploy')?.status).toBe('running');
  });
});
