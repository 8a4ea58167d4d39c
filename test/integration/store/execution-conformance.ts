/**
 * The ExecutionRepo contract, written against the Store interface only, so every
 * backend runs the same suite: `describeExecutionConformance('sqlite', makeStore)`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionEvent, ExecutionRecord, ExecutionSort, ExecutionStatus } from '../../../src/core/model.js';
import type { Store } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';

function execution(id: string, extra: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return executionRecord(id, { workflow_id: `def-${id}`, input: { target: 'prod', count: 3, nested: { list: [1, 'two', null] } }, ...extra });
}

// The store keeps payloads as they are given: these carry arbitrary JSON on purpose.
function event(executionId: string, seq: number, extra: Partial<Omit<ExecutionEvent, 'data'>> & { data?: Record<string, unknown> } = {}): ExecutionEvent {
  return {
    event_type: seq === 1 ? 'workflow_started' : 'task_completed',
    execution_id: executionId,
    workflow_id: `def-${executionId}`,
    timestamp: `2026-01-01T00:00:0${seq % 10}.000Z`,
    seq,
    data: { seq },
    ...extra,
  } as ExecutionEvent;
}

/** Registers the execution contract tests for one backend. */
export function describeExecutionConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`ExecutionRepo conformance (${name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const idsOf = (items: readonly ExecutionRecord[]) => items.map((item) => item.id);

    describe('execution rows', () => {
      it('creates an execution and reads it back exactly', async () => {
        const record = execution('e1', { parent_execution_id: 'p1', parent_task_id: 't1' });
        await store.executions.createExecution(record);
        expect(await store.executions.getExecution('e1')).toEqual(record);
      });

      it('returns null for an unknown execution', async () => {
        expect(await store.executions.getExecution('nope')).toBeNull();
      });

      it('refuses a second execution with the same id', async () => {
        await store.executions.createExecution(execution('e1'));
        await expect(store.executions.createExecution(execution('e1'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      });

      it('patches only the fields given', async () => {
        await store.executions.createExecution(execution('e1'));
        await store.executions.updateExecution('e1', {
          status: 'completed',
          output: { result: 'ok', items: [1, 2] },
          finished_at: '2026-01-01T00:01:00.000Z',
          last_seq: 7,
        });
        expect(await store.executions.getExecution('e1')).toEqual({
          ...execution('e1'),
          status: 'completed',
          output: { result: 'ok', items: [1, 2] },
          finished_at: '2026-01-01T00:01:00.000Z',
          last_seq: 7,
        });
      });

      it('stores an error and clears it again with null', async () => {
        await store.executions.createExecution(execution('e1'));
        const error = { type: 'TIMEOUT', message: "task 'a' timed out", retriable: true, attempt: 2 };
        await store.executions.updateExecution('e1', { status: 'failed', error });
        expect((await store.executions.getExecution('e1'))?.error).toEqual(error);
        await store.executions.updateExecution('e1', { error: null });
        expect((await store.executions.getExecution('e1'))?.error).toBeNull();
      });

      it('throws EXEC_NOT_FOUND when patching an unknown execution', async () => {
        await expect(store.executions.updateExecution('nope', { status: 'failed' })).rejects.toMatchObject({
          code: 'EXEC_NOT_FOUND',
        });
      });
    });

    describe('listExecutions() and listUnfinished()', () => {
      const statuses: [string, ExecutionStatus, string][] = [
        ['e1', 'completed', 'alpha.deploy'],
        ['e2', 'running', 'alpha.build'],
        ['e3', 'pending', 'alpha.deploy'],
        ['e4', 'failed', 'alpha.deploy'],
        ['e5', 'paused', 'alpha.build'],
        ['e6', 'canceled', 'alpha.deploy'],
      ];
      beforeEach(async () => {
        for (const [index, [id, status, ref]] of statuses.entries()) {
          const at = `2026-01-01T00:00:0${index}.000Z`;
          await store.executions.createExecution(execution(id, { status, workflow_ref: ref, created_at: at, updated_at: at }));
        }
      });

      it('lists newest first with the total', async () => {
        const page = await store.executions.listExecutions({});
        expect(idsOf(page.items)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
        expect(page.total).toBe(6);
      });

      it('filters by status and by workflow ref', async () => {
        expect(idsOf((await store.executions.listExecutions({ status: 'running' })).items)).toEqual(['e2']);
        const deploys = await store.executions.listExecutions({ workflow_ref: 'alpha.deploy' });
        expect(idsOf(deploys.items)).toEqual(['e6', 'e4', 'e3', 'e1']);
        expect(deploys.total).toBe(4);
      });

      it('pages with limit and offset and reports the total of all pages', async () => {
        const page = await store.executions.listExecutions({ limit: 2, offset: 1 });
        expect(idsOf(page.items)).toEqual(['e5', 'e4']);
        expect(page.total).toBe(6);
      });

      it('filters by creation time: since is inclusive, until exclusive', async () => {
        const window = await store.executions.listExecutions({ created_since: '2026-01-01T00:00:01.000Z', created_until: '2026-01-01T00:00:04.000Z' });
        expect(idsOf(window.items)).toEqual(['e4', 'e3', 'e2']);
        expect(window.total).toBe(3);
        expect(idsOf((await store.executions.listExecutions({ created_since: '2026-01-01T00:00:05.000Z' })).items)).toEqual(['e6']);
        expect(idsOf((await store.executions.listExecutions({ created_until: '2026-01-01T00:00:01.000Z' })).items)).toEqual(['e1']);
      });

      it('combines the time range with the status and workflow filters', async () => {
        const page = await store.executions.listExecutions({ workflow_ref: 'alpha.deploy', created_since: '2026-01-01T00:00:02.000Z', status: 'failed' });
        expect(idsOf(page.items)).toEqual(['e4']);
      });

      it('searches by the start or the end of an execution id or by a part of the workflow ref, ignoring ASCII case', async () => {
        await store.executions.createExecution(execution('7f3a-search-0b1d', { workflow_ref: 'beta.publish_site' }));
        expect(idsOf((await store.executions.listExecutions({ text: '7F3' })).items)).toEqual(['7f3a-search-0b1d']);
        // the console shows an id's last characters (time-ordered ids share their start)
        expect(idsOf((await store.executions.listExecutions({ text: '0B1D' })).items)).toEqual(['7f3a-search-0b1d']);
        expect(idsOf((await store.executions.listExecutions({ text: 'build' })).items)).toEqual(['e5', 'e2']);
        expect(idsOf((await store.executions.listExecutions({ text: 'PUBLISH' })).items)).toEqual(['7f3a-search-0b1d']);
        // an id matches by its start or end only: 'search' is inside the id above but starts or ends none
        expect((await store.executions.listExecutions({ text: 'search' })).total).toBe(0);
      });

      it('matches LIKE wildcards in the search text literally', async () => {
        await store.executions.createExecution(execution('w1', { workflow_ref: 'beta.publish_site' }));
        expect((await store.executions.listExecutions({ text: '%' })).total).toBe(0);
        expect((await store.executions.listExecutions({ text: 'e_' })).total).toBe(0);
        expect(idsOf((await store.executions.listExecutions({ text: 'h_s' })).items)).toEqual(['w1']);
      });

      it('reports the total for a page past the end', async () => {
        const page = await store.executions.listExecutions({ limit: 2, offset: 10 });
        expect(page).toEqual({ items: [], total: 6 });
      });

      it('lists pending, running and paused executions oldest first', async () => {
        expect(idsOf(await store.executions.listUnfinished())).toEqual(['e2', 'e3', 'e5']);
      });

      it('sorts by each key both ways, ties by creation in the same direction', async () => {
        const ids = async (sort: ExecutionSort) => idsOf((await store.executions.listExecutions({ sort })).items);
        expect(await ids('created_at')).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
        expect(await ids('-created_at')).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
        expect(await ids('status')).toEqual(['e6', 'e1', 'e4', 'e5', 'e3', 'e2']);
        expect(await ids('-status')).toEqual(['e2', 'e3', 'e5', 'e4', 'e1', 'e6']);
        expect(await ids('workflow_ref')).toEqual(['e2', 'e5', 'e1', 'e3', 'e4', 'e6']);
        expect(await ids('-workflow_ref')).toEqual(['e6', 'e4', 'e3', 'e1', 'e5', 'e2']);
        await store.executions.updateExecution('e1', { updated_at: '2026-01-01T00:00:09.000Z' });
        expect(await ids('-updated_at')).toEqual(['e1', 'e6', 'e5', 'e4', 'e3', 'e2']);
      });

      it('sorts by finish time with unfinished executions last, either way', async () => {
        await store.executions.updateExecution('e4', { finished_at: '2026-01-01T00:01:00.000Z' });
        await store.executions.updateExecution('e1', { finished_at: '2026-01-01T00:02:00.000Z' });
        await store.executions.updateExecution('e6', { finished_at: '2026-01-01T00:03:00.000Z' });
        const ids = async (sort: ExecutionSort) => idsOf((await store.executions.listExecutions({ sort })).items);
        expect(await ids('finished_at')).toEqual(['e4', 'e1', 'e6', 'e2', 'e3', 'e5']);
        expect(await ids('-finished_at')).toEqual(['e6', 'e1', 'e4', 'e5', 'e3', 'e2']);
        const page = await store.executions.listExecutions({ sort: 'finished_at', limit: 2, offset: 2 });
        expect(idsOf(page.items)).toEqual(['e6', 'e2']);
        expect(page.total).toBe(6);
      });

      it('filters by finish time: since inclusive, until exclusive, unfinished never', async () => {
        await store.executions.updateExecution('e4', { finished_at: '2026-01-01T00:01:00.000Z' });
        await store.executions.updateExecution('e1', { finished_at: '2026-01-01T00:02:00.000Z' });
        await store.executions.updateExecution('e6', { finished_at: '2026-01-01T00:03:00.000Z' });
        const window = await store.executions.listExecutions({ finished_since: '2026-01-01T00:01:00.000Z', finished_until: '2026-01-01T00:03:00.000Z' });
        expect(idsOf(window.items)).toEqual(['e4', 'e1']);
        expect(window.total).toBe(2);
        expect(idsOf((await store.executions.listExecutions({ finished_until: '2026-01-01T00:02:00.000Z' })).items)).toEqual(['e4']);
        const combined = await store.executions.listExecutions({ finished_since: '2026-01-01T00:00:00.000Z', created_since: '2026-01-01T00:00:03.000Z', sort: 'finished_at' });
        expect(idsOf(combined.items)).toEqual(['e4', 'e6']);
      });

      it('keeps creation order for executions created at the same instant', async () => {
        const at = '2026-02-01T00:00:00.000Z';
        for (const id of ['x3', 'x1', 'x2']) {
          await store.executions.createExecution(execution(id, { created_at: at, workflow_ref: 'beta.same' }));
        }
        expect(idsOf(await store.executions.listUnfinished()).slice(-3)).toEqual(['x3', 'x1', 'x2']);
        expect(idsOf((await store.executions.listExecutions({ workflow_ref: 'beta.same' })).items)).toEqual(['x2', 'x1', 'x3']);
      });
    });

    describe('countDescendants()', () => {
      it('counts children, grandchildren and deeper levels, whatever their status', async () => {
        const tree: [string, string | null, ExecutionStatus][] = [
          ['root', null, 'running'],
          ['c1', 'root', 'completed'],
          ['c2', 'root', 'failed'],
          ['g1', 'c1', 'running'],
          ['g2', 'c2', 'canceled'],
          ['gg1', 'g1', 'pending'],
          ['other', null, 'running'],
          ['o1', 'other', 'running'],
        ];
        for (const [id, parent, status] of tree) {
          await store.executions.createExecution(execution(id, { parent_execution_id: parent, parent_task_id: parent === null ? null : 'call', status }));
        }
        expect(await store.executions.countDescendants('root')).toBe(5);
        expect(await store.executions.countDescendants('c1')).toBe(2);
        expect(await store.executions.countDescendants('gg1')).toBe(0);
        expect(await store.executions.countDescendants('missing')).toBe(0);
      });
    });

    describe('events', () => {
      beforeEach(async () => {
        await store.executions.createExecution(execution('e1'));
      });

      it('appends events and reads them back in seq order, exactly', async () => {
        const events = [
          event('e1', 1),
          event('e1', 2, { task_id: 'build', data: { output: { text: 'héllo "quoted" \\ back' }, list: [1, { a: null }] } }),
          event('e1', 3),
        ];
        await store.executions.appendEvents([events[2] as ExecutionEvent, events[0] as ExecutionEvent]);
        await store.executions.appendEvents([events[1] as ExecutionEvent]);
        expect(await store.executions.readEvents('e1')).toEqual(events);
      });

      it('reads the events after a seq, up to a limit', async () => {
        await store.executions.appendEvents([1, 2, 3, 4, 5].map((seq) => event('e1', seq)));
        expect((await store.executions.readEvents('e1', 2)).map((e) => e.seq)).toEqual([3, 4, 5]);
        expect((await store.executions.readEvents('e1', 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
      });

      it('returns no events for an unknown execution', async () => {
        expect(await store.executions.readEvents('nope')).toEqual([]);
      });

      it('accepts an empty batch', async () => {
        await store.executions.appendEvents([]);
        expect(await store.executions.readEvents('e1')).toEqual([]);
      });

      it('refuses an event whose seq already exists', async () => {
        await store.executions.appendEvents([event('e1', 1)]);
        await expect(store.executions.appendEvents([event('e1', 1, { data: { other: true } })])).rejects.toMatchObject({
          code: 'STORE_CONFLICT',
          details: { execution_id: 'e1', seq: 1 },
        });
        expect(await store.executions.readEvents('e1')).toEqual([event('e1', 1)]);
      });

      it('refuses events of an unknown execution', async () => {
        await expect(store.executions.appendEvents([event('nope', 1)])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      });

      it('lets only one of two concurrent writers extend a history', async () => {
        const results = await Promise.allSettled([
          store.transaction((tx) => tx.executions.appendEvents([event('e1', 1, { data: { writer: 'a' } })])),
          store.transaction((tx) => tx.executions.appendEvents([event('e1', 1, { data: { writer: 'b' } })])),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected');
        expect(rejected?.reason).toMatchObject({ code: 'STORE_CONFLICT' });
        expect(await store.executions.readEvents('e1')).toHaveLength(1);
      });
    });

    describe('checkpoints and state', () => {
      beforeEach(async () => {
        await store.executions.createExecution(execution('e1'));
      });

      it('saves checkpoints and lists them by seq', async () => {
        const late = { id: 'c2', execution_id: 'e1', seq: 9, snapshot: { tasks: { a: 'done' } }, created_at: '2026-01-01T00:00:09.000Z' };
        const early = { id: 'c1', execution_id: 'e1', seq: 4, snapshot: [1, 'two'], created_at: '2026-01-01T00:00:10.000Z' };
        await store.executions.saveCheckpoint(late);
        await store.executions.saveCheckpoint(early);
        expect(await store.executions.getCheckpoint('c2')).toEqual(late);
        expect(await store.executions.listCheckpoints('e1')).toEqual([early, late]);
      });

      it('returns null for an unknown checkpoint', async () => {
        expect(await store.executions.getCheckpoint('nope')).toBeNull();
        expect(await store.executions.listCheckpoints('e1')).toEqual([]);
      });

      it('loads an empty state before any is saved', async () => {
        expect(await store.executions.loadState('e1')).toEqual({});
      });

      it('replaces the saved state', async () => {
        await store.executions.saveState('e1', { counter: 1 });
        await store.executions.saveState('e1', { counter: 2, seen: ['a'] });
        expect(await store.executions.loadState('e1')).toEqual({ counter: 2, seen: ['a'] });
      });
    });

    describe('transaction()', () => {
      it('commits events and the projection together', async () => {
        await store.transaction(async (tx) => {
          await tx.executions.createExecution(execution('e1'));
          await tx.executions.appendEvents([event('e1', 1), event('e1', 2)]);
          await tx.executions.updateExecution('e1', { last_seq: 2 });
        });
        expect((await store.executions.getExecution('e1'))?.last_seq).toBe(2);
        expect(await store.executions.readEvents('e1')).toHaveLength(2);
      });

      it('writes nothing when the callback throws', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.executions.createExecution(execution('e1'));
            await tx.executions.appendEvents([event('e1', 1)]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.executions.getExecution('e1')).toBeNull();
        expect(await store.executions.readEvents('e1')).toEqual([]);
      });

      it('writes nothing of a batch that conflicts', async () => {
        await store.executions.createExecution(execution('e1'));
        await store.executions.appendEvents([event('e1', 2)]);
        await expect(
          store.transaction((tx) => tx.executions.appendEvents([event('e1', 1), event('e1', 2), event('e1', 3)])),
        ).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        expect((await store.executions.readEvents('e1')).map((e) => e.seq)).toEqual([2]);
      });

      it('stays usable after a conflict the callback catches', async () => {
        await store.executions.createExecution(execution('e1'));
        await store.executions.appendEvents([event('e1', 1)]);
        await store.transaction(async (tx) => {
          await expect(tx.executions.appendEvents([event('e1', 1)])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
          await tx.executions.appendEvents([event('e1', 2)]);
        });
        expect((await store.executions.readEvents('e1')).map((e) => e.seq)).toEqual([1, 2]);
      });
    });

    describe('commitSteps()', () => {
      // Optional in the contract: both backends offer it.
      const commit = (steps: Parameters<NonNullable<Store['executions']['commitSteps']>>[0]) => {
        const commitSteps = store.executions.commitSteps;
        if (!commitSteps) throw new Error(`${name} offers no commitSteps`);
        return commitSteps.call(store.executions, steps);
      };

      it('appends the events and applies the updates of several executions at once', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.createExecution(execution('b'));
        await commit({
          events: [event('a', 1), event('a', 2), event('b', 1)],
          updates: [
            { id: 'a', patch: { last_seq: 2, updated_at: '2026-01-02T00:00:00.000Z' } },
            { id: 'b', patch: { status: 'completed', output: { ok: true }, last_seq: 1 } },
          ],
          fenced: [],
          released: [],
        });
        expect(await store.executions.readEvents('a')).toEqual([event('a', 1), event('a', 2)]);
        expect(await store.executions.getExecution('a')).toMatchObject({ last_seq: 2, updated_at: '2026-01-02T00:00:00.000Z' });
        expect(await store.executions.getExecution('b')).toMatchObject({ status: 'completed', output: { ok: true }, last_seq: 1 });
      });

      it('writes nothing when an event exists already', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.appendEvents([event('a', 2)]);
        await expect(
          commit({ events: [event('a', 1), event('a', 2)], updates: [{ id: 'a', patch: { last_seq: 2 } }], fenced: [], released: [] }),
        ).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        expect((await store.executions.readEvents('a')).map((e) => e.seq)).toEqual([2]);
        expect((await store.executions.getExecution('a'))?.last_seq).toBe(0);
      });

      it('writes nothing when an updated execution does not exist', async () => {
        await store.executions.createExecution(execution('a'));
        await expect(
          commit({ events: [event('a', 1)], updates: [{ id: 'nope', patch: { last_seq: 1 } }], fenced: [], released: [] }),
        ).rejects.toMatchObject({ code: 'EXEC_NOT_FOUND' });
        expect(await store.executions.readEvents('a')).toEqual([]);
      });
    });

    describe('task logs', () => {
      beforeEach(async () => {
        await store.executions.createExecution(execution('e1'));
        await store.executions.createExecution(execution('e2'));
      });

      const line = (execution_id: string, task_id: string, attempt: number, stream: 'stdout' | 'stderr' | 'system', text: string, item_index?: number) => ({
        execution_id,
        task_id,
        attempt,
        stream,
        at: '2026-12-04T10:00:00.000Z',
        line: text,
        ...(item_index === undefined ? {} : { item_index }),
      });

      it('appends lines with increasing seqs and reads them back exactly, per execution', async () => {
        const first = await store.executions.appendLogs([line('e1', 'build', 1, 'stdout', 'héllo "quoted" \\ back'), line('e2', 'x', 1, 'stderr', 'other')]);
        const second = await store.executions.appendLogs([line('e1', 'fan', 2, 'system', 'item', 3)]);
        const seqs = [...first, ...second].map((l) => l.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(await store.executions.readLogs('e1', { limit: 10 })).toEqual([first[0], second[0]]);
        expect(second[0]).toMatchObject({ item_index: 3, stream: 'system', attempt: 2 });
      });

      it('filters by task, attempt and stream, and reads after a cursor up to a limit', async () => {
        const stored = await store.executions.appendLogs([
          line('e1', 'a', 1, 'stdout', '1'),
          line('e1', 'a', 1, 'stderr', '2'),
          line('e1', 'a', 2, 'stdout', '3'),
          line('e1', 'b', 1, 'stdout', '4'),
        ]);
        const texts = async (query: Parameters<Store['executions']['readLogs']>[1]) => (await store.executions.readLogs('e1', query)).map((l) => l.line);
        expect(await texts({ task_id: 'a', limit: 10 })).toEqual(['1', '2', '3']);
        expect(await texts({ task_id: 'a', attempt: 1, limit: 10 })).toEqual(['1', '2']);
        expect(await texts({ stream: 'stdout', limit: 10 })).toEqual(['1', '3', '4']);
        expect(await texts({ after: stored[1]?.seq ?? 0, limit: 1 })).toEqual(['3']);
      });

      it('reads no line past `through`, so a filtered follower can move its cursor over lines it has scanned', async () => {
        const stored = await store.executions.appendLogs([line('e1', 'a', 1, 'stdout', '1'), line('e1', 'b', 1, 'stdout', '2'), line('e1', 'b', 1, 'stdout', '3')]);
        const texts = async (query: Parameters<Store['executions']['readLogs']>[1]) => (await store.executions.readLogs('e1', query)).map((l) => l.line);
        expect(await texts({ through: stored[1]?.seq ?? 0, limit: 10 })).toEqual(['1', '2']);
        expect(await texts({ task_id: 'b', after: stored[0]?.seq ?? 0, through: stored[1]?.seq ?? 0, limit: 10 })).toEqual(['2']);
        expect(await texts({ task_id: 'b', after: stored[1]?.seq ?? 0, limit: 10 })).toEqual(['3']);
      });

      it('names the seq of an execution\'s own last line, 0 before its first, and none of another\'s', async () => {
        expect(await store.executions.lastLogSeq('e1')).toBe(0);
        const [first] = await store.executions.appendLogs([line('e1', 'a', 1, 'stdout', '1')]);
        const [other] = await store.executions.appendLogs([line('e2', 'x', 1, 'stdout', '2')]);
        expect(await store.executions.lastLogSeq('e1')).toBe(first?.seq);
        expect(await store.executions.lastLogSeq('e2')).toBe(other?.seq);
        expect(await store.executions.lastLogSeq('nope')).toBe(0);
      });
    });

    describe('global event positions', () => {
      it('numbers every appended event across executions in commit order', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.createExecution(execution('b'));
        expect(await store.executions.lastEventPosition()).toBe(0);
        await store.executions.appendEvents([event('a', 1), event('b', 1)]);
        await store.executions.appendEvents([event('b', 2)]);
        await store.executions.appendEvents([event('a', 2), event('a', 3)]);
        const all = await store.executions.readEventsAfterPosition(0, 100);
        expect(all.map((e) => `${e.execution_id}${e.seq}`)).toEqual(['a1', 'b1', 'b2', 'a2', 'a3']);
        const positions = all.map((e) => e.position as number);
        expect(positions.every((p, i) => i === 0 || p > (positions[i - 1] as number))).toBe(true);
        expect(await store.executions.lastEventPosition()).toBe(positions.at(-1));
        // no event was given a position above the last one stored (none was deleted)
        expect(await store.executions.highestEventPosition()).toBe(positions.at(-1));
        // reading on from any position gives exactly what follows it, a page at a time
        const after = await store.executions.readEventsAfterPosition(positions[1] as number, 2);
        expect(after.map((e) => `${e.execution_id}${e.seq}`)).toEqual(['b2', 'a2']);
        // per-execution reads are unchanged: no position, the event as appended
        expect(await store.executions.readEvents('a', 0)).toEqual([event('a', 1), event('a', 2), event('a', 3)]);
      });

      it('numbers runs of one execution longer than one statement holds, between other executions, in order', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.createExecution(execution('b'));
        const run = Array.from({ length: 70 }, (_, index) => event('a', index + 1, { task_id: `t${index}` }));
        await store.executions.appendEvents([event('b', 1), ...run.slice(0, 40), event('b', 2), ...run.slice(40)]);
        const all = await store.executions.readEventsAfterPosition(0, 100);
        expect(all.map((e) => `${e.execution_id}${e.seq}`)).toEqual(['b1', ...run.slice(0, 40).map((e) => `a${e.seq}`), 'b2', ...run.slice(40).map((e) => `a${e.seq}`)]);
        expect(all.map((e) => e.position)).toEqual(all.map((_, index) => (all[0]?.position as number) + index));
        expect(await store.executions.readEvents('a')).toEqual(run);
      });

      it('names the stored event a run of events collides with, and writes none of the run', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.appendEvents([event('a', 3)]);
        await expect(store.executions.appendEvents([1, 2, 3, 4].map((seq) => event('a', seq)))).rejects.toMatchObject({
          code: 'STORE_CONFLICT',
          details: { execution_id: 'a', seq: 3 },
        });
        expect((await store.executions.readEvents('a')).map((e) => e.seq)).toEqual([3]);
      });

      it('keeps a failed append from taking a position a later event is read after', async () => {
        await store.executions.createExecution(execution('a'));
        await store.executions.appendEvents([event('a', 1)]);
        await expect(store.executions.appendEvents([event('a', 1)])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        await store.executions.appendEvents([event('a', 2)]);
        const all = await store.executions.readEventsAfterPosition(0, 10);
        expect(all.map((e) => e.seq)).toEqual([1, 2]);
        expect(await store.executions.readEventsAfterPosition(all[0]?.position as number, 10)).toEqual([{ ...event('a', 2), position: all[1]?.position }]);
      });
    });
  });
}
