import type { Migration } from './index.js';

const STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];

/**
 * The executions table's status CHECK, the same rule written as comparisons. SQLite
 * evaluates `status IN ('pending', ...)` with more than two constants by building a
 * temporary b-tree of the list each time the statement runs, and the check runs on every
 * insert and every update that sets the status (three per execution): ~4 µs each, about
 * as much as the insert itself (docs/performance.md, "Sixth round"). Written as `status =
 * 'pending' OR ...` it is a few comparisons; the statuses it admits are the same.
 *
 * SQLite cannot change a CHECK in place (better-sqlite3 runs in defensive mode, so not by
 * editing the schema either): the table is rebuilt as its documentation's procedure says,
 * with foreign keys off so that dropping the old table cascades to nothing (see
 * `foreign_keys` in index.ts), rowids kept (listings order ties by rowid) and the
 * foreign keys checked before the commit.
 */
export const executionStatusCheckMigration: Migration = {
  version: 8,
  name: 'execution status check',
  foreign_keys: 'off',
  sql: `
    CREATE TABLE executions_rebuilt (
      id TEXT PRIMARY KEY,
      workflow_id TEXT NOT NULL,
      workflow_ref TEXT NOT NULL,
      workflow_version INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (${STATUSES.map((status) => `status = '${status}'`).join(' OR ')}),
      input TEXT NOT NULL,
      output TEXT,
      error TEXT,
      parent_execution_id TEXT,
      parent_task_id TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT,
      last_seq INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO executions_rebuilt (rowid, id, workflow_id, workflow_ref, workflow_version, status, input, output, error,
      parent_execution_id, parent_task_id, created_at, updated_at, finished_at, last_seq)
      SELECT rowid, id, workflow_id, workflow_ref, workflow_version, status, input, output, error,
      parent_execution_id, parent_task_id, created_at, updated_at, finished_at, last_seq FROM executions;
    DROP TABLE executions;
    ALTER TABLE executions_rebuilt RENAME TO executions;
    CREATE INDEX executions_by_status ON executions (status, created_at);
    CREATE INDEX executions_by_ref ON executions (workflow_ref, created_at);
    CREATE INDEX executions_by_parent ON executions (parent_execution_id);
  `,
};
