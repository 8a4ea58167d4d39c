import type { PgMigration } from './index.js';

/**
 * Leaves room in each page of the two tables updated most, so an update that changes no
 * indexed column (an execution's last_seq and updated_at after each group commit; a
 * lease's expires_at at each renewal) can be a heap-only (HOT) update: a new row version
 * in the same page and no new entry in any index. With full pages such an update moved the
 * row and wrote an entry in each of the executions table's five indexes. Applies to pages
 * filled from now on; existing rows are not moved.
 */
export const roomForHotUpdatesMigration: PgMigration = {
  version: 10,
  name: 'room-for-hot-updates',
  sql: `
    ALTER TABLE executions SET (fillfactor = 70);
    ALTER TABLE execution_leases SET (fillfactor = 50);
  `,
};
