/**
 * On PostgreSQL, the rows, whole histories and custom states asked for in one turn outside a
 * transaction are read with one statement each (a claim round's adoptions), and answer as the
 * single reads do.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

const record = (id: string, last_seq: number): ExecutionRecord => ({
  id, workflow_id: 'w', workflow_ref: 'demo.w', workflow_version: 1, status: last_seq === 0 ? 'pending' : 'running', input: { id }, output: null,
  error: null, parent_execution_id: null, parent_task_id: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  finished_at: null, last_seq,
});
const event = (id: string, seq: number): ExecutionEvent => ({
  event_type: 'task_completed', execution_id: id, workflow_id: 'w', timestamp: '2026-01-01T00:00:00.000Z', seq, data: { attempt: 1, output: { seq } },
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('reads batched by turn'), () => {
  const db = usePgSchema();

  it('reads the rows, histories and states of many executions asked for at once in one statement each, as single reads answer', async () => {
    const store = await db.makeStore();
    const ids = ['x1', 'x2', 'x3', 'x4'];
    for (const [i, id] of ids.entries()) await store.executions.createExecution(record(id, i === 0 ? 0 : 3));
    // x2's events inserted out of order, interleaved with x3's: each history still comes back in seq order.
    await store.executions.appendEvents([event('x2', 2), event('x3', 1), event('x2', 1), event('x3', 2), event('x2', 3), event('x3', 3)]);
    await store.executions.saveState('x3', { step: 'three', nested: { a: [1, 2] } });

    // One at a time, each alone in its turn: the single-key statements.
    const single = [];
    for (const id of [...ids, 'missing']) {
      single.push({ row: await store.executions.getExecution(id), events: await store.executions.readEvents(id), state: await store.executions.loadState(id) });
    }

    const sent = vi.spyOn(store.pool, 'query');
    const batched = await Promise.all(
      [...ids, 'missing'].map(async (id) => {
        const [row, events, state] = await Promise.all([store.executions.getExecution(id), store.executions.readEvents(id), store.executions.loadState(id)]);
        return { row, events, state };
      }),
    );
    expect(sent).toHaveBeenCalledTimes(3);
    sent.mockRestore();

    expect(batched).toEqual(single);
    expect(batched[1]?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(batched[4]).toEqual({ row: null, events: [], state: {} });
    // Fresh objects per answer: what one caller changes, another never sees.
    expect(batched[0]?.events).not.toBe(batched[4]?.events);
    expect(batched[0]?.state).not.toBe(batched[4]?.state);
  });

  it('reads a part of a history and reads inside a transaction one statement at a time, as before', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(record('y1', 3));
    await store.executions.createExecution(record('y2', 3));
    await store.executions.appendEvents([event('y1', 1), event('y1', 2), event('y2', 1)]);
    const sent = vi.spyOn(store.pool, 'query');
    const [tail, head] = await Promise.all([store.executions.readEvents('y1', 1), store.executions.readEvents('y2', 0, 1)]);
    expect(sent).toHaveBeenCalledTimes(2);
    sent.mockRestore();
    expect(tail.map((e) => e.seq)).toEqual([2]);
    expect(head.map((e) => e.seq)).toEqual([1]);
    const inside = await store.transaction(async (tx) => Promise.all([tx.executions.getExecution('y1'), tx.executions.getExecution('y2')]));
    expect(inside.map((row) => row?.id)).toEqual(['y1', 'y2']);
  });
});
