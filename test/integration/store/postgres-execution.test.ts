import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/model.js';
import { describeExecutionConformance } from './execution-conformance.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('executions'), () => {
  const db = usePgSchema();
  describeExecutionConformance('postgres', () => db.makeStore());
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('updateExecutions()'), () => {
  const db = usePgSchema();
  const record = (id: string): ExecutionRecord => ({
    id, workflow_id: 'w', workflow_ref: 'demo.w', workflow_version: 1, status: 'running', input: {}, output: null, error: null,
    parent_execution_id: null, parent_task_id: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
    finished_at: null, last_seq: 0,
  });

  it('applies each patch to its own execution and leaves the fields it omits alone', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(record('a'));
    await store.executions.createExecution({ ...record('b'), output: { kept: true }, finished_at: '2026-01-01T00:00:01.000Z' });
    await store.executions.updateExecutions?.([
      { id: 'a', patch: { status: 'completed', output: { z: 1, a: [2] }, finished_at: '2026-01-01T00:00:02.000Z', last_seq: 7 } },
      { id: 'b', patch: { status: 'running', finished_at: null, error: null, updated_at: '2026-01-01T00:00:03.000Z' } },
    ]);
    expect(await store.executions.getExecution('a')).toMatchObject({
      status: 'completed', output: { z: 1, a: [2] }, finished_at: '2026-01-01T00:00:02.000Z', last_seq: 7, updated_at: '2026-01-01T00:00:00.000Z',
    });
    expect(await store.executions.getExecution('b')).toMatchObject({
      status: 'running', output: { kept: true }, finished_at: null, error: null, updated_at: '2026-01-01T00:00:03.000Z', last_seq: 0,
    });
  });

  it('throws EXEC_NOT_FOUND naming an execution that does not exist', async () => {
    const store = await db.makeStore();
    await store.executions.createExecution(record('a'));
    await expect(
      store.executions.updateExecutions?.([{ id: 'a', patch: { last_seq: 1 } }, { id: 'ghost', patch: { last_seq: 1 } }]),
    ).rejects.toMatchObject({ code: 'EXEC_NOT_FOUND', message: "execution 'ghost' does not exist" });
  });
});
