/**
 * ExecutionRepo.purgeFinished, written against the Store interface only, so both backends
 * run the same suite: what retention deletes, what it keeps, and that it never gives an
 * event position twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionEvent, ExecutionRecord, ExecutionStatus } from '../../../src/core/model.js';
import type { PurgeQuery, Store } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';

const CUTOFF = '2026-03-01T00:00:00.000Z';
const OLD = '2026-01-15T00:00:00.000Z';
const YOUNG = '2026-03-15T00:00:00.000Z';
const UNFINISHED: readonly ExecutionStatus[] = ['pending', 'running', 'paused'];

function event(executionId: string, seq: number): ExecutionEvent {
  return {
    event_type: seq === 1 ? 'workflow_started' : 'task_completed',
    execution_id: executionId,
    workflow_id: `def-${executionId}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    seq,
    data: { seq },
  } as unknown as ExecutionEvent;
}

const query = (extra: Partial<PurgeQuery> = {}): PurgeQuery => ({
  finished_before: CUTOFF,
  statuses: ['completed', 'failed', 'canceled'],
  limit: 100,
  after: null,
  dry_run: false,
  ...extra,
});

/** Registers the purge contract tests for one backend. */
export function describePurgeConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`ExecutionRepo.purgeFinished() (${name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    /** An execution with `events` events, a checkpoint, custom state and a log line. */
    async function add(id: string, status: ExecutionStatus, finishedAt: string | null, extra: Partial<ExecutionRecord> = {}, events = 3): Promise<void> {
      await store.executions.createExecution(executionRecord(id, { workflow_id: `def-${id}`, status, finished_at: finishedAt, last_seq: events, ...extra }));
      await store.executions.appendEvents(Array.from({ length: events }, (_, i) => event(id, i + 1)));
      await store.executions.saveCheckpoint({ id: `cp-${id}`, execution_id: id, seq: 1, snapshot: { at: 1 }, created_at: '2026-01-01T00:00:00.000Z' });
      await store.executions.saveState(id, { kept: id });
      await store.executions.appendLogs([{ execution_id: id, task_id: 't', attempt: 1, stream: 'stdout', at: '2026-01-01T00:00:00.000Z', line: `line of ${id}` }]);
    }

    const exists = async (id: string): Promise<boolean> => (await store.executions.getExecution(id)) !== null;

    it('deletes an old finished execution with its events, checkpoints, state and task logs', async () => {
      await add('old', 'completed', OLD);
      const batch = await store.executions.purgeFinished(query());
      expect(batch.trees).toEqual([{ id: 'old', workflow_ref: 'alpha.deploy', status: 'completed', finished_at: OLD, descendants: 0, events: 3 }]);
      expect(batch.deleted_ids).toEqual(['old']);
      expect(batch.next).toBeNull();
      expect(await exists('old')).toBe(false);
      expect(await store.executions.readEvents('old')).toEqual([]);
      expect(await store.executions.listCheckpoints('old')).toEqual([]);
      expect(await store.executions.getCheckpoint('cp-old')).toBeNull();
      expect(await store.executions.loadState('old')).toEqual({});
      expect(await store.executions.readLogs('old', { limit: 10 })).toEqual([]);
    });

    it('keeps young finished executions and every unfinished one, however old', async () => {
      await add('young', 'failed', YOUNG);
      for (const status of UNFINISHED) await add(`open-${status}`, status, null, { created_at: '2025-01-01T00:00:00.000Z' });
      const batch = await store.executions.purgeFinished(query());
      expect(batch.trees).toEqual([]);
      for (const id of ['young', ...UNFINISHED.map((s) => `open-${s}`)]) expect(await exists(id)).toBe(true);
      expect(await store.executions.readEvents('young')).toHaveLength(3);
    });

    it('takes only the statuses asked for', async () => {
      await add('ok', 'completed', OLD);
      await add('bad', 'failed', OLD);
      await add('stopped', 'canceled', OLD);
      const batch = await store.executions.purgeFinished(query({ statuses: ['failed', 'canceled'] }));
      expect(batch.trees.map((t) => t.id).sort()).toEqual(['bad', 'stopped']);
      expect(await exists('ok')).toBe(true);
    });

    it('deletes sub-workflows, at every depth, with their root and never apart from it', async () => {
      await add('root', 'completed', OLD);
      await add('child', 'completed', OLD, { parent_execution_id: 'root', parent_task_id: 'call' }, 2);
      await add('grandchild', 'failed', OLD, { parent_execution_id: 'child', parent_task_id: 'call' }, 4);
      // An old child of a young root stays with its root.
      await add('young-root', 'completed', YOUNG);
      await add('old-child', 'completed', OLD, { parent_execution_id: 'young-root', parent_task_id: 'call' });
      const batch = await store.executions.purgeFinished(query());
      expect(batch.trees).toEqual([{ id: 'root', workflow_ref: 'alpha.deploy', status: 'completed', finished_at: OLD, descendants: 2, events: 9 }]);
      expect([...batch.deleted_ids].sort()).toEqual(['child', 'grandchild', 'root']);
      for (const id of ['root', 'child', 'grandchild']) expect(await exists(id)).toBe(false);
      expect(await exists('young-root')).toBe(true);
      expect(await exists('old-child')).toBe(true);
    });

    it('keeps a finished root whose sub-workflow has not finished', async () => {
      await add('root', 'canceled', OLD);
      await add('child', 'running', null, { parent_execution_id: 'root', parent_task_id: 'call' });
      const batch = await store.executions.purgeFinished(query());
      expect(batch.trees).toEqual([]);
      expect(batch.kept_unfinished).toBe(1);
      expect(await exists('root')).toBe(true);
      expect(await exists('child')).toBe(true);
    });

    it('deletes a sub-workflow whose root is gone as a root of its own', async () => {
      await add('orphan', 'completed', OLD, { parent_execution_id: 'deleted-long-ago', parent_task_id: 'call' });
      const batch = await store.executions.purgeFinished(query());
      expect(batch.trees.map((t) => t.id)).toEqual(['orphan']);
      expect(await exists('orphan')).toBe(false);
    });

    it('deletes nothing on a dry run and reports what it would delete', async () => {
      await add('root', 'completed', OLD);
      await add('child', 'completed', OLD, { parent_execution_id: 'root', parent_task_id: 'call' });
      const batch = await store.executions.purgeFinished(query({ dry_run: true }));
      expect(batch.trees).toEqual([{ id: 'root', workflow_ref: 'alpha.deploy', status: 'completed', finished_at: OLD, descendants: 1, events: 6 }]);
      expect(batch.deleted_ids).toEqual([]);
      expect(await exists('root')).toBe(true);
      expect(await store.executions.readEvents('child')).toHaveLength(3);
    });

    it('walks the finished executions a batch at a time, oldest first, to the end', async () => {
      const ids = ['e1', 'e2', 'e3', 'e4', 'e5'];
      for (const [i, id] of ids.entries()) await add(id, 'completed', `2026-01-0${i + 1}T00:00:00.000Z`, {}, 1);
      const seen: string[][] = [];
      let after: PurgeQuery['after'] = null;
      for (;;) {
        const batch = await store.executions.purgeFinished(query({ limit: 2, after }));
        seen.push(batch.trees.map((t) => t.id));
        if (batch.next === null) break;
        after = batch.next;
      }
      expect(seen).toEqual([['e1', 'e2'], ['e3', 'e4'], ['e5']]);
      for (const id of ids) expect(await exists(id)).toBe(false);
    });

    it('never gives a purged event position again: a reader past it sees what comes next', async () => {
      await add('kept', 'running', null, {}, 1);
      await add('newest', 'completed', OLD, {}, 3);
      const highest = await store.executions.highestEventPosition();
      await store.executions.purgeFinished(query());
      expect(await store.executions.highestEventPosition()).toBe(highest);
      await store.executions.appendEvents([event('kept', 2)]);
      const after = await store.executions.readEventsAfterPosition(highest, 10);
      expect(after.map((e) => [e.execution_id, e.seq])).toEqual([['kept', 2]]);
      expect(after[0]?.position).toBeGreaterThan(highest);
    });
  });
}
