import type { ExecutionRecord } from '../core/model.js';

/** The executions table's columns, in the order executionRowValues gives them (both backends). */
export const EXECUTION_COLUMNS = `id, workflow_id, workflow_ref, workflow_version, status, input, output, error, parent_execution_id,
  parent_task_id, created_at, updated_at, finished_at, last_seq`;

/** An execution record as the values of one row of EXECUTION_COLUMNS, JSON columns as text. */
export function executionRowValues(record: ExecutionRecord): unknown[] {
  return [
    record.id,
    record.workflow_id,
    record.workflow_ref,
    record.workflow_version,
    record.status,
    JSON.stringify(record.input),
    jsonOrNull(record.output),
    jsonOrNull(record.error),
    record.parent_execution_id,
    record.parent_task_id,
    record.created_at,
    record.updated_at,
    record.finished_at,
    record.last_seq,
  ];
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
