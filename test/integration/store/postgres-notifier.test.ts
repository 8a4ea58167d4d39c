import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createNotifier, type EventNotifier } from '../../../src/store/postgres/create-notifier.js';
import type { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, pgSuiteName, randomSchemaName, usePgSchema } from './pg-test-db.js';
import { executionRecord } from '../../fixtures/execution-record.js';

function event(executionId: string, seq: number): ExecutionEvent {
  return {
    event_type: 'task_completed',
    execution_id: executionId,
    workflow_id: 'def-1',
    task_id: `t${seq}`,
    timestamp: '2026-01-01T00:00:00.000Z',
    seq,
    data: { attempt: 1, output: { seq } },
  };
}

/** Resolves with the events a subscriber receives once it has `count` of them. */
function collect(notifier: EventNotifier, count: number, filter?: { execution_id: string }): Promise<ExecutionEvent[]> {
  return new Promise((resolve) => {
    const seen: ExecutionEvent[] = [];
    const stop = notifier.subscribe((events) => {
      seen.push(...events);
      if (seen.length >= count) {
        stop();
        resolve(seen);
      }
    }, filter);
  });
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('createNotifier()'), () => {
  const db = usePgSchema();
  let listening: PostgresStore;
  let writer: PostgresStore;
  let notifier: EventNotifier;

  beforeEach(async () => {
    listening = await db.makeStore();
    writer = await db.openStore();
    await writer.executions.createExecution(executionRecord('e1'));
    await writer.executions.createExecution(executionRecord('e2'));
    notifier = await createNotifier(listening.pool, listening.pool);
  });

  afterEach(async () => {
    await notifier.close();
  });

  it("delivers another node's appends in commit order", async () => {
    const received = collect(notifier, 3);
    await writer.executions.appendEvents([event('e1', 1), event('e1', 2)]);
    await writer.executions.appendEvents([event('e1', 3)]);
    expect(await received).toEqual([event('e1', 1), event('e1', 2), event('e1', 3)]);
  });

  it('delivers only the execution a subscriber asked for', async () => {
    const received = collect(notifier, 1, { execution_id: 'e2' });
    await writer.executions.appendEvents([event('e1', 1)]);
    await writer.executions.appendEvents([event('e2', 1)]);
    expect(await received).toEqual([event('e2', 1)]);
  });

  it('reads nothing of an append every subscriber says it has seen', async () => {
    const reads = vi.spyOn(listening.pool, 'query');
    const seen: ExecutionEvent[] = [];
    let done!: () => void;
    const received = new Promise<void>((resolve) => (done = resolve));
    const stop = notifier.subscribe(
      (events) => {
        seen.push(...events);
        if (events.some((e) => e.execution_id === 'e2')) done();
      },
      { seen: (executionId, toSeq) => executionId === 'e1' && toSeq <= 2 },
    );
    await writer.executions.appendEvents([event('e1', 1), event('e1', 2)]);
    await writer.executions.appendEvents([event('e1', 3)]);
    await writer.executions.appendEvents([event('e2', 1)]);
    await received;
    stop();
    expect(seen).toEqual([event('e1', 3), event('e2', 1)]);
    const readFor = reads.mock.calls.map((call) => (call[1] as unknown[] | undefined)?.[0]);
    expect(readFor).toEqual(['e1', 'e2']);
  });

  it('announces nothing of a transaction that rolled back', async () => {
    const received = collect(notifier, 1);
    await expect(
      writer.transaction(async (tx) => {
        await tx.executions.appendEvents([event('e1', 1)]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await writer.executions.appendEvents([event('e2', 1)]);
    expect(await received).toEqual([event('e2', 1)]);
  });

  it('ignores appends to another schema of the same database', async () => {
    const other = await createOtherSchemaStore();
    try {
      const received = collect(notifier, 1);
      await other.executions.createExecution(executionRecord('e1'));
      await other.executions.appendEvents([event('e1', 1)]);
      await writer.executions.appendEvents([event('e1', 7)]);
      expect(await received).toEqual([event('e1', 7)]);
    } finally {
      await other.pool.query(`DROP SCHEMA ${other.schema ?? 'missing'} CASCADE`);
      await other.close();
    }
  });

  it('listens again after its connection is cut and says so', async () => {
    await notifier.close();
    const appName = `harmonia-notifier-${db.schema}`;
    const own = await db.openStore({ application_name: appName });
    const reconnected = new Promise<void>((resolve) => {
      void createNotifier(own.pool, own.pool, { on_reconnect: resolve }).then((created) => {
        notifier = created;
        void db.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
      });
    });
    await reconnected;
    const received = collect(notifier, 1);
    await writer.executions.appendEvents([event('e1', 1)]);
    expect(await received).toEqual([event('e1', 1)]);
  });

  async function createOtherSchemaStore(): Promise<PostgresStore> {
    const { createPostgresStore } = await import('../../../src/store/postgres/postgres-store.js');
    return createPostgresStore({ url: db.url, schema: randomSchemaName(), pool_size: 2 });
  }
});
