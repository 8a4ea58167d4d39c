import type { Migration } from './index.js';

/**
 * Executions. The truth of an execution is its events (append-only, one row per
 * (execution_id, seq), so two writers can never both extend one history); the
 * executions row is a projection kept in the same transaction for listings.
 */
export const executionsMigration: Migration = {
  version: 2,
  name: 'executions',
  sql: `
    CREATE TABLE executions (
      id TEXT PRIMARY KEY,
      workflow_id TEXT NOT NULL,
      workflow_ref TEXT NOT NULL,
      workflow_version INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'canceled')),
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
    CREATE INDEX executions_by_status ON executions (status, created_at);
    CREATE INDEX executions_by_ref ON executions (workflow_ref, created_at);
    CREATE INDEX executions_by_parent ON executions (parent_execution_id);

    CREATE TABLE execution_events (
      execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      event TEXT NOT NULL,
      PRIMARY KEY (execution_id, seq)
    ) WITHOUT ROWID;

    CREATE TABLE checkpoints (
      id TEXT PRIMARY KEY,
      execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      snapshot TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX checkpoints_by_execution ON checkpoints (execution_id, seq);

    CREATE TABLE execution_state (
      execution_id TEXT PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
      state TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
