import type { PgMigration } from './index.js';

/**
 * Events stored compact (events-json.ts): an engine event's text without its last four
 * fields, which the row's columns hold; `at` is its timestamp, NULL for an event stored
 * whole (every row written before this migration). Nullable columns without a default:
 * adding them rewrites no row.
 */
export const compactEventsMigration: PgMigration = {
  version: 12,
  name: 'compact-events',
  sql: `
    ALTER TABLE execution_events ADD COLUMN workflow_id TEXT, ADD COLUMN at TEXT;
  `,
};
