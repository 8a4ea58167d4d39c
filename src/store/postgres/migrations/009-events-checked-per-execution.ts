import type { PgMigration } from './index.js';

/**
 * Drops the foreign key from execution_events to executions. Its check ran a trigger and
 * a lookup per inserted event (about a third of an append's server time, two events per
 * task); appends now check each execution once, in the statement that inserts its events
 * (commit-steps.ts, PostgresExecutionRepo.appendEvents), under a row lock that, as the key's
 * did, keeps the execution from going away before commit. Executions are never deleted, so
 * nothing relied on the key's ON DELETE CASCADE.
 */
export const eventsCheckedPerExecutionMigration: PgMigration = {
  version: 9,
  name: 'events-checked-per-execution',
  sql: `ALTER TABLE execution_events DROP CONSTRAINT IF EXISTS execution_events_execution_id_fkey;`,
};
