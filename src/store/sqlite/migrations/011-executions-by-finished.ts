import type { Migration } from './index.js';

/**
 * Finished executions in the order retention reads them (finished_at, then id as the tie
 * break of its cursor), so a purge batch reads its rows from an index instead of sorting
 * every finished execution. Partial: an unfinished execution has no entry, and a row gets
 * its one entry when the commit that finishes it sets finished_at.
 */
export const executionsByFinishedMigration: Migration = {
  version: 11,
  name: 'executions by finished',
  sql: `
    CREATE INDEX executions_by_finished ON executions (finished_at, id) WHERE finished_at IS NOT NULL;
  `,
};
