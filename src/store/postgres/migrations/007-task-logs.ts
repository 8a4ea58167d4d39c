import type { PgMigration } from './index.js';

/** Task log lines, apart from the event history; `seq` is the readers' cursor. */
export const taskLogsMigration: PgMigration = {
  version: 7,
  name: 'task-logs',
  sql: `
    CREATE TABLE task_logs (
      seq BIGSERIAL PRIMARY KEY,
      execution_id TEXT COLLATE "C" NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      task_id TEXT NOT NULL,
      item_index INTEGER,
      attempt INTEGER NOT NULL,
      stream TEXT NOT NULL,
      at TEXT NOT NULL,
      line TEXT NOT NULL
    );
    CREATE INDEX task_logs_by_execution ON task_logs (execution_id, seq);
  `,
};
