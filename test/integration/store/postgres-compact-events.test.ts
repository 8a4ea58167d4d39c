import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createNotifier } from '../../../src/store/postgres/create-notifier.js';
import { EVENT_JSON } from '../../../src/store/postgres/events-json.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

/** An event built as the engine builds it: its own fields, then the four every event ends with. */
function engineEvent(executionId: string, seq: number, data: Record<string, unknown> = { attempt: 1, input: {} }): ExecutionEvent {
  return {
    event_type: 'task_started',
    task_id: `t${seq}`,
    data,
    execution_id: executionId,
    workflow_id: 'def-1',
    timestamp: '2026-01-01T00:00:00.123Z',
    seq,
  } as ExecutionEvent;
}

interface StoredRow {
  seq: string;
  stored: string;
  at: string | null;
  rebuilt: string;
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('compact stored events (migration 12)'), () => {
  const db = usePgSchema();

  const rows = async (executionId: string): Promise<StoredRow[]> =>
    (
      await db.admin.query<StoredRow>(
        `SELECT seq, event::text AS stored, at, (${EVENT_JSON})::text AS rebuilt FROM ${db.schema}.execution_events WHERE execution_id = $1 ORDER BY seq`,
        [executionId],
      )
    ).rows;

  it('stores an engine event without its last four fields and reads it back identical, key order included', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(executionRecord('e1'));
    await store.executions.createExecution(executionRecord('e2'));
    const quoted = engineEvent('e2', 1, { attempt: 1, output: { text: 'quote " backslash \\ brace } é \u2028', seq: 3 } });
    const events = [engineEvent('e1', 1), engineEvent('e1', 2), quoted];
    await store.executions.commitSteps?.({ events: [events[0] as ExecutionEvent, quoted], updates: [], fenced: [], released: [] });
    await store.executions.appendEvents([events[1] as ExecutionEvent]);

    for (const id of ['e1', 'e2']) {
      const stored = await rows(id);
      const expected = events.filter((event) => event.execution_id === id);
      expect(stored.map((row) => row.at)).toEqual(expected.map(() => '2026-01-01T00:00:00.123Z'));
      expect(stored.map((row) => row.stored)).toEqual(expected.map((event) => JSON.stringify({ event_type: event.event_type, task_id: event.task_id, data: event.data })));
      expect(stored.map((row) => row.rebuilt)).toEqual(expected.map((event) => JSON.stringify(event)));
      const read = await store.executions.readEvents(id);
      expect(read).toEqual(expected);
      expect(read.map((event) => JSON.stringify(event))).toEqual(expected.map((event) => JSON.stringify(event)));
    }
    const all = await store.executions.readEventsAfterPosition(0, 10);
    expect(all.map(({ position: _position, ...event }) => JSON.stringify(event)).sort()).toEqual(events.map((event) => JSON.stringify(event)).sort());
  });

  it('stores whole an event that does not end with the four fields in that order, or whose values JSON escapes', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(executionRecord('e1'));
    await store.executions.createExecution(executionRecord('id "quoted"'));
    const dataLast = { event_type: 'task_completed', execution_id: 'e1', workflow_id: 'def-1', timestamp: '2026-01-01T00:00:00.000Z', seq: 1, data: { attempt: 1 } } as ExecutionEvent;
    const noWorkflow = { ...engineEvent('e1', 2), workflow_id: undefined } as unknown as ExecutionEvent;
    const oddStamp = { ...engineEvent('e1', 3), timestamp: 'yesterday, "late"' } as ExecutionEvent;
    const onlyTail = { execution_id: 'e1', workflow_id: 'def-1', timestamp: '2026-01-01T00:00:00.000Z', seq: 4 } as ExecutionEvent;
    const quotedId = engineEvent('id "quoted"', 1);
    await store.executions.appendEvents([dataLast, noWorkflow, oddStamp, onlyTail, quotedId]);

    for (const [id, expected] of [['e1', [dataLast, noWorkflow, oddStamp, onlyTail]], ['id "quoted"', [quotedId]]] as const) {
      const stored = await rows(id);
      expect(stored.map((row) => row.at)).toEqual(expected.map(() => null));
      expect(stored.map((row) => row.stored)).toEqual(expected.map((event) => JSON.stringify(event)));
      expect((await store.executions.readEvents(id)).map((event) => JSON.stringify(event))).toEqual(expected.map((event) => JSON.stringify(event)));
    }
  });

  it('reads rows written whole before the migration as they were written', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(executionRecord('e1'));
    const old = engineEvent('e1', 1);
    await db.admin.query(`INSERT INTO ${db.schema}.execution_events (execution_id, seq, event) VALUES ('e1', 1, $1::json)`, [JSON.stringify(old)]);
    await store.executions.appendEvents([engineEvent('e1', 2)]);
    expect((await rows('e1')).map((row) => row.at)).toEqual([null, '2026-01-01T00:00:00.123Z']);
    const read = await store.executions.readEvents('e1');
    expect(read.map((event) => JSON.stringify(event))).toEqual([JSON.stringify(old), JSON.stringify(engineEvent('e1', 2))]);
  });

  it('delivers compact events to subscribers identical', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(executionRecord('e1'));
    const notifier = await createNotifier(store.pool);
    try {
      const received = new Promise<ExecutionEvent[]>((resolve) => {
        const stop = notifier.subscribe((events) => {
          stop();
          resolve(events);
        });
      });
      const events = [engineEvent('e1', 1), engineEvent('e1', 2)];
      await store.executions.appendEvents(events);
      expect((await received).map((event) => JSON.stringify(event))).toEqual(events.map((event) => JSON.stringify(event)));
    } finally {
      await notifier.close();
    }
  });
});
