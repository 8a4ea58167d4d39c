/** Task logs go with their execution: deleting an execution row deletes its log, on both backends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { describe, it, expect } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/model.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';
import { executionRecord } from '../../fixtures/execution-record.js';

function execution(id: string): ExecutionRecord {
  return executionRecord(id, { workflow_id: `def-${id}`, status: 'completed', finished_at: '2026-01-01T00:00:01.000Z' });
}

async function fill(store: Store): Promise<void> {
  for (const id of ['gone', 'kept']) {
    await store.executions.createExecution(execution(id));
    await store.executions.appendLogs([{ execution_id: id, task_id: 't', attempt: 1, stream: 'stdout', at: '2026-01-01T00:00:00.500Z', line: `line of ${id}` }]);
  }
}

describe('task log retention (SQLite)', () => {
  it('deletes an execution\'s log lines with the execution and keeps the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-logret-'));
    const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
    try {
      await fill(store);
      const db = new DatabaseConstructor(join(dir, 'harmonia.db'));
      db.pragma('foreign_keys = ON');
      db.prepare('DELETE FROM executions WHERE id = ?').run('gone');
      db.close();
      expect(await store.executions.readLogs('gone', { limit: 10 })).toEqual([]);
      expect((await store.executions.readLogs('kept', { limit: 10 })).map((l) => l.line)).toEqual(['line of kept']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('task log retention'), () => {
  const db = usePgSchema();
  it('deletes an execution\'s log lines with the execution and keeps the others', async () => {
    const store = await db.makeStore();
    await fill(store);
    await db.admin.query('DELETE FROM executions WHERE id = $1', ['gone']);
    expect(await store.executions.readLogs('gone', { limit: 10 })).toEqual([]);
    expect((await store.executions.readLogs('kept', { limit: 10 })).map((l) => l.line)).toEqual(['line of kept']);
  });
});
