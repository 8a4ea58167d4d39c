import { describe, expect, it } from 'vitest';
import { foldOfPages } from '../../../console/src/execution/fold-of-pages.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { emptyFold, foldEvents, taskProgressView, type ExecutionFold } from '../../../src/core/task-fold.js';
import type { ExecutionTasksPage } from '../../../src/core/wire.js';

let seq = 0;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function ev(event_type: ExecutionEvent['event_type'], task_id: string | undefined, data: Record<string, unknown> = {}): ExecutionEvent {
  seq += 1;
  return { event_type, execution_id: 'e1', workflow_id: 'w1', ...(task_id ? { task_id } : {}), timestamp: at(seq), seq, data } as ExecutionEvent;
}

/** The page the server answers for `events` folded, tasks [offset, offset + limit). */
function pageOf(events: readonly ExecutionEvent[], offset: number, limit: number): ExecutionTasksPage {
  const fold = foldEvents(emptyFold(), events);
  const all = [...fold.tasks.values()];
  return {
    execution_id: 'e1',
    status: fold.status ?? 'pending',
    last_seq: fold.last_seq,
    started_by: fold.started_by,
    items: all.slice(offset, offset + limit).map(taskProgressView),
    total: all.length,
    limit,
    offset,
  };
}

const shape = (fold: ExecutionFold) => [...fold.tasks.values()].map((t) => [t.id, t.status, t.attempts.map((a) => a.outcome), t.items && [t.items.completed, t.items.failed]]);

describe('foldOfPages()', () => {
  it('carries on from pages read at different seqs as a fold of every event would', () => {
    seq = 0;
    const events = [
      ev('workflow_started', undefined, { trigger: { id: 'flow/nightly', scheduled_at: at(0), reason: 'schedule' } }),
      ev('task_started', 'a', { attempt: 1 }),
      ev('task_started', 'b', { attempt: 1, items: [1, 2] }),
      ev('task_started', 'b', { attempt: 1, item_index: 0 }),
      ev('retry_attempted', 'a', { attempt: 1, error: { type: 'X', message: 'x', retriable: true, attempt: 1 } }),
      ev('task_completed', 'b', { attempt: 1, item_index: 0, output: 1 }),
      ev('task_started', 'a', { attempt: 2 }),
      ev('task_started', 'b', { attempt: 1, item_index: 1 }),
      ev('task_completed', 'b', { attempt: 1, item_index: 1, output: 2 }),
      ev('task_completed', 'b', { output: [1, 2] }),
      ev('task_completed', 'a', { output: {} }),
      ev('workflow_completed', undefined),
    ];
    // the first page (task a) read at seq 4, the second (task b) at seq 8; the stream then brings everything after seq 4
    const fold = foldOfPages([pageOf(events.slice(0, 4), 0, 1), pageOf(events.slice(0, 8), 1, 1)]);
    expect(fold.last_seq).toBe(4);
    expect(fold.started_by).toEqual({ id: 'flow/nightly', scheduled_at: at(0), reason: 'schedule' });
    foldEvents(fold, events.slice(4));
    expect(shape(fold)).toEqual(shape(foldEvents(emptyFold(), events)));
    expect(fold.status).toBe('completed');
  });

  it('starts empty for an execution with no event yet, so the record says its status', () => {
    const fold = foldOfPages([{ execution_id: 'e1', status: 'pending', last_seq: 0, started_by: null, items: [], total: 0, limit: 1000, offset: 0 }]);
    expect(fold).toMatchObject({ status: null, last_seq: 0 });
    expect(fold.tasks.size).toBe(0);
  });
});
