import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import { createWriteQueue } from '../../../src/engine/write-queue.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

function record(id: string): ExecutionRecord {
  const at = new Date(0).toISOString();
  return { id, workflow_id: 'wf', workflow_ref: 'demo.x', workflow_version: 1, status: 'running', input: {}, output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0 };
}

function event(id: string, seq: number): ExecutionEvent {
  return { event_type: 'task_started', execution_id: id, workflow_id: 'wf', task_id: 't', timestamp: new Date(0).toISOString(), seq, data: { attempt: 1 } };
}

describe('createWriteQueue()', () => {
  it('commits writes queued in the same turn in one transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-queue-'));
    const store = createSqliteStore({ file: join(dir, 'q.db') });
    let transactions = 0;
    const counted = { ...store, transaction: <T>(fn: Parameters<typeof store.transaction<T>>[0]) => { transactions += 1; return store.transaction(fn); } };
    const queue = createWriteQueue(counted);
    await Promise.all(['a', 'b', 'c'].map((id) => queue.write({ events: [event(id, 1)], before: (tx) => tx.executions.createExecution(record(id)), projection: { id, patch: { last_seq: 1 } } })));
    expect(transactions).toBe(1);
    expect((await store.executions.getExecution('b'))?.last_seq).toBe(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits batches that create no row as one synchronous write on SQLite (commitSteps), not an awaited transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-queue-'));
    const store = createSqliteStore({ file: join(dir, 'q.db') });
    for (const id of ['a', 'b', 'c']) await store.executions.createExecution(record(id));
    let transactions = 0;
    let writes = 0;
    const commitSteps = store.executions.commitSteps?.bind(store.executions);
    const executions = Object.create(store.executions) as typeof store.executions;
    executions.commitSteps = (steps) => {
      writes += 1;
      return commitSteps?.(steps) ?? Promise.resolve();
    };
    const counted = { ...store, executions, transaction: <T>(fn: Parameters<typeof store.transaction<T>>[0]) => { transactions += 1; return store.transaction(fn); } };
    const queue = createWriteQueue(counted);
    await Promise.all(['a', 'b', 'c'].map((id) => queue.write({ events: [event(id, 1)], projection: { id, patch: { last_seq: 1 } } })));
    expect({ transactions, writes }).toEqual({ transactions: 0, writes: 1 });
    expect((await store.executions.getExecution('c'))?.last_seq).toBe(1);
    expect(await store.executions.readEvents('b')).toHaveLength(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects only the batch that conflicts when others share its transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-queue-'));
    const store = createSqliteStore({ file: join(dir, 'q.db') });
    const queue = createWriteQueue(store);
    await queue.write({ events: [event('a', 1)], before: (tx) => tx.executions.createExecution(record('a')) });
    const results = await Promise.allSettled([
      queue.write({ events: [event('a', 1)] }),
      queue.write({ events: [event('b', 1)], before: (tx) => tx.executions.createExecution(record('b')) }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'STORE_CONFLICT' } });
    expect(results[1]?.status).toBe('fulfilled');
    expect(await store.executions.readEvents('b')).toHaveLength(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
