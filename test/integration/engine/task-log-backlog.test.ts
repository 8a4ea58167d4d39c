/**
 * The task log writer when the store falls behind (PostgreSQL with task_logs locked by
 * another session): it says it is behind once it holds more than its bound, and says so no
 * more once the store has caught up, every line stored in order.
 */
import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../../../src/engine/clock.js';
import { createTaskLogWriter } from '../../../src/engine/task-log.js';
import type { StoredTaskLogLine } from '../../../src/store/store.js';
import { executionRecord } from '../../fixtures/execution-record.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('task log writer behind its store'), () => {
  const db = usePgSchema();
  it('asks printers to wait while it holds more than its bound, and loses nothing', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(executionRecord('e1', { workflow_id: 'w' }));
    const stored: StoredTaskLogLine[] = [];
    const writer = createTaskLogWriter({
      store,
      clock: createSystemClock(),
      max_bytes_per_attempt: 1e9,
      max_held_bytes: 64 * 1024,
      batch_lines: 100,
      onError: (error) => {
        throw error;
      },
    });
    writer.subscribe((lines) => stored.push(...lines));
    const lock = await db.admin.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE task_logs IN EXCLUSIVE MODE');
      const print = writer.forAttempt({ execution_id: 'e1', task_id: 't', attempt: 1 });
      expect(writer.backlog()).toBeNull();
      for (let i = 1; i <= 1000; i += 1) print('stdout', `line ${i}`);
      // 1,000 lines with their allowance are past 64 KiB, and the store cannot take one.
      const behind = writer.backlog();
      expect(behind).not.toBeNull();
      const firstFlush = writer.flush();
      await lock.query('COMMIT');
      await behind;
      await firstFlush;
      expect(stored.map((l) => l.line).slice(0, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`));
      expect(writer.backlog()).toBeNull();
      print('stdout', 'after');
      await writer.flush();
      expect(stored.at(-1)?.line).toBe('after');
      const seqs = stored.map((l) => l.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    } finally {
      lock.release();
    }
  });
});
