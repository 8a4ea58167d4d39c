/**
 * On PostgreSQL, event positions commit in increasing order across nodes: an append waits
 * for an earlier one to commit, so a reader that has read up to position P never later
 * finds a new event below P (the all-events streams' cursor would skip it).
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

const record = (id: string): ExecutionRecord => ({
  id, workflow_id: 'w', workflow_ref: 'demo.w', workflow_version: 1, status: 'running', input: {}, output: null, error: null,
  parent_execution_id: null, parent_task_id: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  finished_at: null, last_seq: 0,
});
const event = (id: string, seq: number): ExecutionEvent => ({
  event_type: 'task_completed', execution_id: id, workflow_id: 'w', timestamp: '2026-01-01T00:00:00.000Z', seq, data: { attempt: 1, output: null },
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('event positions across nodes'), () => {
  const db = usePgSchema();

  it('makes a second node’s append wait until the first commits, so positions commit in order', async () => {
    const first = await db.makeStore();
    const second = await db.openStore();
    await first.executions.createExecution(record('a'));
    await first.executions.createExecution(record('b'));

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const firstAppended = new Promise<void>((resolve) => (appended = resolve));
    const slow = first.transaction(async (tx) => {
      await tx.executions.appendEvents([event('a', 1), event('a', 2)]);
      appended();
      await held; // the first node's transaction stays open after drawing its positions
    });
    await firstAppended;
    const fast = second.executions.appendEvents([event('b', 1)]);
    // the second append is waiting on the advisory lock, not committed ahead of the first
    for (;;) {
      // this schema's append lock only: other test files share the database
      const { rows } = await db.admin.query<{ waiting: string }>(
        `SELECT count(*) AS waiting FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [`${db.schema}.execution_events`],
      );
      if (Number(rows[0]?.waiting) > 0) break;
    }
    expect(await first.executions.readEventsAfterPosition(0, 10)).toEqual([]);
    release();
    await Promise.all([slow, fast]);

    const all = await second.executions.readEventsAfterPosition(0, 10);
    expect(all.map((e) => `${e.execution_id}${e.seq}`)).toEqual(['a1', 'a2', 'b1']);
    const positions = all.map((e) => e.position as number);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });
});
