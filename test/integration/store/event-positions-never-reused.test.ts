/**
 * A global event position is given once: deleting the execution that holds the newest
 * events (an operator's DELETE, a retention job) must not let the next append take those
 * positions again, or a reader whose cursor is past them skips the new events. Run on a
 * real SQLite file and, when HARMONIA_TEST_DATABASE_URL is set, on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

const event = (id: string, seq: number): ExecutionEvent => ({
  event_type: 'task_completed', execution_id: id, workflow_id: 'def-1', timestamp: '2026-01-01T00:00:00.000Z', seq, data: { attempt: 1, output: null },
});
const events = (id: string, count: number): ExecutionEvent[] => Array.from({ length: count }, (_, i) => event(id, i + 1));

interface Backend {
  /** A store on an empty database. */
  fresh(): Promise<Store>;
  /** Another store on the same database (a restarted server, or a second node). */
  reopen(): Promise<Store>;
  /** Deletes an execution and its events as an operator would, outside the store. */
  deleteExecution(id: string): Promise<void>;
}

function describePositionsNeverReused(name: string, backend: () => Backend): void {
  describe(`event positions are never reused (${name})`, () => {
    /** Executions a and b appended, b last; returns the highest position given. */
    async function newestHeldByB(store: Store): Promise<number> {
      for (const id of ['a', 'b']) await store.executions.createExecution(executionRecord(id));
      await store.executions.appendEvents(events('a', 3));
      await store.executions.appendEvents(events('b', 4));
      return (await store.executions.readEventsAfterPosition(0, 100)).at(-1)?.position as number;
    }

    it('numbers the events appended after the newest execution is deleted above every position given before', async () => {
      const b = backend();
      const store = await b.fresh();
      const high = await newestHeldByB(store);
      await b.deleteExecution('b');
      await store.executions.createExecution(executionRecord('c'));
      await store.executions.appendEvents(events('c', 5));
      // a reader that had read up to b's last event finds every one of c's
      expect((await store.executions.readEventsAfterPosition(high, 100)).map((e) => `${e.execution_id}${e.seq}`)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
      expect(await store.executions.highestEventPosition()).toBe(high + 5);
    });

    it('keeps the highest position given across a restart after the delete', async () => {
      const b = backend();
      const first = await b.fresh();
      const high = await newestHeldByB(first);
      await b.deleteExecution('b');
      await first.close();
      const store = await b.reopen();
      // a stream cursor at b's last event is still one the store gave out
      expect(await store.executions.highestEventPosition()).toBe(high);
      await store.executions.createExecution(executionRecord('c'));
      // the engine's write path (both backends have it)
      expect(store.executions.commitSteps).toBeDefined();
      await store.executions.commitSteps?.({ events: events('c', 2), updates: [{ id: 'c', patch: { last_seq: 2 } }], fenced: [], released: [] });
      const after = await store.executions.readEventsAfterPosition(high, 100);
      expect(after.map((e) => `${e.execution_id}${e.seq}`)).toEqual(['c1', 'c2']);
      expect(after.every((e) => (e.position as number) > high)).toBe(true);
    });

    it('gives no position twice when every event is deleted', async () => {
      const b = backend();
      const store = await b.fresh();
      const high = await newestHeldByB(store);
      await b.deleteExecution('a');
      await b.deleteExecution('b');
      expect(await store.executions.readEventsAfterPosition(0, 100)).toEqual([]);
      expect(await store.executions.highestEventPosition()).toBe(high);
      await store.executions.createExecution(executionRecord('c'));
      await store.executions.appendEvents(events('c', 1));
      expect((await store.executions.readEventsAfterPosition(0, 100)).map((e) => e.position)).toEqual([high + 1]);
    });

    it('counts no position for an append that was refused', async () => {
      const b = backend();
      const store = await b.fresh();
      const high = await newestHeldByB(store);
      await expect(store.executions.appendEvents([event('a', 4), event('a', 2)])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      // PostgreSQL's sequence may skip the numbers a rolled-back append drew; SQLite's rolls back with it
      expect(await store.executions.highestEventPosition()).toBeGreaterThanOrEqual(high);
      await store.executions.appendEvents([event('a', 4)]);
      const [next] = await store.executions.readEventsAfterPosition(high, 100);
      expect(next).toMatchObject({ execution_id: 'a', seq: 4 });
      expect(next?.position).toBeGreaterThan(high);
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'harmonia-positions-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
let files = 0;

describePositionsNeverReused('sqlite', () => {
  files += 1;
  const file = join(root, `store-${files}.db`);
  return {
    fresh: async () => createSqliteStore({ file, synchronous: 'NORMAL' }),
    reopen: async () => createSqliteStore({ file, synchronous: 'NORMAL' }),
    async deleteExecution(id) {
      // another connection, as the sqlite3 shell would be: the cascade takes the events
      const db = new Database(file);
      try {
        db.pragma('foreign_keys = ON');
        db.prepare('DELETE FROM executions WHERE id = ?').run(id);
      } finally {
        db.close();
      }
    },
  };
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('positions'), () => {
  const db = usePgSchema();
  describePositionsNeverReused('postgres', () => ({
    fresh: () => db.makeStore(),
    reopen: () => db.openStore(),
    async deleteExecution(id) {
      // events have no foreign key to their execution on PostgreSQL (migration 9): both go
      await db.admin.query('DELETE FROM execution_events WHERE execution_id = $1', [id]);
      await db.admin.query('DELETE FROM executions WHERE id = $1', [id]);
    },
  }));

  it('draws positions one at a time: a sequence cache would let a later commit take a lower position', async () => {
    await db.makeStore();
    const { rows } = await db.admin.query<{ cache: string }>(
      "SELECT seqcache AS cache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('execution_events', 'pos')::regclass",
    );
    expect(rows.map((row) => Number(row.cache))).toEqual([1]);
  });
});
