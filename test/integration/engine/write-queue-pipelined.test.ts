import { describe, it, expect } from 'vitest';
import type { ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import { createWriteQueue, type WriteBatch } from '../../../src/engine/write-queue.js';
import type { CommitSteps, ExecutionRepo, Store } from '../../../src/store/store.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

function record(id: string): ExecutionRecord {
  const at = new Date(0).toISOString();
  return { id, workflow_id: 'wf', workflow_ref: 'demo.x', workflow_version: 1, status: 'running', input: {}, output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0 };
}

function batch(id: string, seq: number): WriteBatch {
  const event = { event_type: 'task_started', execution_id: id, workflow_id: 'wf', task_id: 't', timestamp: new Date(0).toISOString(), seq, data: { attempt: seq } } as ExecutionEvent;
  return { events: [event], projection: { id, patch: { last_seq: seq } } };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The store with its one-statement commits recorded (the executions each carried) and the
 * first held back until `release`, so a test can see what leaves while it is at the database.
 */
function holdFirstCommit(store: Store): { store: Store; commits: string[][]; transactions: () => number; release: () => void } {
  const commits: string[][] = [];
  let transactions = 0;
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const executions: ExecutionRepo = Object.create(store.executions) as ExecutionRepo;
  executions.commitSteps = async (steps: CommitSteps) => {
    commits.push([...new Set(steps.events.map((event) => event.execution_id))]);
    if (commits.length === 1) await held;
    return store.executions.commitSteps?.(steps);
  };
  const wrapped: Store = Object.create(store) as Store;
  Object.defineProperty(wrapped, 'executions', { value: executions });
  wrapped.transaction = (fn, options) => {
    transactions += 1;
    return store.transaction(fn, options);
  };
  return { store: wrapped, commits, transactions: () => transactions, release };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('createWriteQueue() with one-statement commits'), () => {
  const db = usePgSchema();
  const ids = Array.from({ length: 65 }, (_, i) => `e${String(i).padStart(2, '0')}`);

  async function storeWithExecutions(): Promise<Store> {
    const store = await db.makeStore();
    for (const id of ids) await store.executions.createExecution(record(id));
    return store;
  }

  it('sends a commit of other executions while the first is at the database', async () => {
    const held = holdFirstCommit(await storeWithExecutions());
    const queue = createWriteQueue(held.store);
    const first = queue.write(batch('e00', 1));
    await turn();
    expect(held.commits).toHaveLength(1);
    const others = ids.slice(1).map((id) => queue.write(batch(id, 1)));
    await turn();
    expect(held.commits).toHaveLength(2);
    expect(held.commits[1]).toEqual(ids.slice(1));
    held.release();
    await Promise.all([first, ...others]);
    expect(await held.store.executions.readEvents('e64')).toHaveLength(1);
  });

  it('holds a later batch of an execution until its earlier one has committed', async () => {
    const held = holdFirstCommit(await storeWithExecutions());
    const queue = createWriteQueue(held.store);
    const first = queue.write(batch('e00', 1));
    await turn();
    const later = queue.write(batch('e00', 2));
    const others = ids.slice(1).map((id) => queue.write(batch(id, 1)));
    await turn();
    expect(held.commits).toHaveLength(2);
    expect(held.commits[1]).not.toContain('e00');
    held.release();
    await Promise.all([first, later, ...others]);
    expect(held.commits[2]).toEqual(['e00']);
    const events = await held.store.executions.readEventsAfterPosition(0, 1000);
    expect(events.filter((event) => event.execution_id === 'e00').map((event) => event.seq)).toEqual([1, 2]);
  });

  it('keeps a few batches for after the commit in flight rather than sending a small second one', async () => {
    const held = holdFirstCommit(await storeWithExecutions());
    const queue = createWriteQueue(held.store);
    const first = queue.write(batch('e00', 1));
    await turn();
    const few = ids.slice(1, 11).map((id) => queue.write(batch(id, 1)));
    await turn();
    expect(held.commits).toHaveLength(1);
    held.release();
    await Promise.all([first, ...few]);
    expect(held.commits).toEqual([['e00'], ids.slice(1, 11)]);
  });

  it('runs a transaction alone, once the commit in flight has landed', async () => {
    const held = holdFirstCommit(await storeWithExecutions());
    const queue = createWriteQueue(held.store);
    const first = queue.write(batch('e00', 1));
    await turn();
    const created = queue.write({ ...batch('new', 1), before: (tx) => tx.executions.createExecution(record('new')) });
    const others = ids.slice(1).map((id) => queue.write(batch(id, 1)));
    await turn();
    expect(held.commits).toHaveLength(1);
    expect(held.transactions()).toBe(0);
    held.release();
    await Promise.all([first, created, ...others]);
    expect(held.transactions()).toBe(1);
    expect(await held.store.executions.readEvents('new')).toHaveLength(1);
  });
});
