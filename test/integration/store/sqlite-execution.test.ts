import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { CHECKPOINT_PAGES } from '../../../src/store/sqlite/checkpointer.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { describeExecutionConformance } from './execution-conformance.js';

const root = mkdtempSync(join(tmpdir(), 'harmonia-executions-'));
let count = 0;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeExecutionConformance('sqlite', async () => {
  count += 1;
  return createSqliteStore({ file: join(root, `store-${count}.db`), synchronous: 'NORMAL' });
});

function event(seq: number, pad = ''): ExecutionEvent {
  return { event_type: 'task_completed', execution_id: 'e1', workflow_id: 'def-1', task_id: 't', timestamp: '2026-01-01T00:00:00.000Z', seq, data: { attempt: 1, output: { pad } } } as ExecutionEvent;
}

describe('SqliteExecutionRepo.commitSteps()', () => {
  const steps = (events: ExecutionEvent[]) => ({ events, updates: [{ id: 'e1', patch: { last_seq: events.at(-1)?.seq ?? 0 } }], fenced: [], released: [] });

  it('waits for a transaction that is open, then writes after it', async () => {
    count += 1;
    const store = createSqliteStore({ file: join(root, `store-${count}.db`), synchronous: 'NORMAL' });
    await store.executions.createExecution(executionRecord('e1'));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const open = store.transaction(async (tx) => {
      entered();
      await held;
      await tx.executions.appendEvents([event(1)]);
    });
    await inside;
    const commit = store.executions.commitSteps?.(steps([event(2), event(3)]));
    release();
    await Promise.all([open, commit]);
    expect((await store.executions.readEvents('e1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await store.executions.getExecution('e1'))?.last_seq).toBe(3);
    await store.close();
  });

  it('refuses a commit naming leases, writing nothing: the SQLite store holds none', async () => {
    count += 1;
    const store = createSqliteStore({ file: join(root, `store-${count}.db`), synchronous: 'NORMAL' });
    await store.executions.createExecution(executionRecord('e1'));
    await expect(store.executions.commitSteps?.({ ...steps([event(1)]), fenced: [{ execution_id: 'e1', token: 1 }] })).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    expect(await store.executions.readEvents('e1')).toEqual([]);
    await store.close();
  });

  it('keeps the log restarting under a stream of one-write commits', async () => {
    count += 1;
    const file = join(root, `store-${count}.db`);
    const store = createSqliteStore({ file, synchronous: 'NORMAL' });
    await store.executions.createExecution(executionRecord('e1'));
    // The log's length (mxFrame) from the wal-index header, without touching the database.
    const frames = (): number => readFileSync(`${file}-shm`).readUInt32LE(16);
    const pad = 'x'.repeat(3000);
    let seq = 0;
    let longest = 0;
    for (let i = 0; i < 4000 && !(longest >= CHECKPOINT_PAGES && frames() < 50); i += 1) {
      await store.executions.commitSteps?.(steps([event((seq += 1), pad), event((seq += 1), pad)]));
      longest = Math.max(longest, frames());
    }
    expect(longest).toBeGreaterThanOrEqual(CHECKPOINT_PAGES);
    expect(frames()).toBeLessThan(50);
    expect((await store.executions.getExecution('e1'))?.last_seq).toBe(seq);
    await store.close();
  });
});
