import type { Migration } from './index.js';

/**
 * The event rows stored in position order: `pos` becomes the table's integer key (its
 * rowid) and `(execution_id, seq)` a unique index beside it, where the table was keyed by
 * `(execution_id, seq)` WITHOUT ROWID with a unique index on `pos`.
 *
 * Every commit appends its events at the end of the table. Keyed by `(execution_id, seq)`
 * the table was a b-tree of whole rows (~290 bytes each, 14 to a page) whose right edge
 * SQLite balances across three sibling pages at each split; as a rowid table, appending at
 * its right edge starts a new page (SQLite's "balance_quick") and the index beside it holds
 * only the short keys. A wide commit (20 events and the execution row) wrote 12 pages of
 * log and now 9, and the store's commit path takes 10–15 % fewer instructions
 * (docs/performance.md, "h-wide"). The rows, their positions, the keys SQLite enforces and
 * the cascade from `executions` are the same; `MAX(pos)` is the table's last rowid.
 *
 * Rebuilt as migration 8 rebuilt its table: foreign keys off while the old table is
 * dropped, every foreign key checked before the commit.
 */
export const eventsByPositionMigration: Migration = {
  version: 9,
  name: 'events by position',
  foreign_keys: 'off',
  sql: `
    CREATE TABLE execution_events_rebuilt (
      pos INTEGER PRIMARY KEY,
      execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      event TEXT NOT NULL,
      UNIQUE (execution_id, seq)
    );
    INSERT INTO execution_events_rebuilt (pos, execution_id, seq, event)
      SELECT pos, execution_id, seq, event FROM execution_events ORDER BY pos IS NULL, pos;
    DROP TABLE execution_events;
    ALTER TABLE execution_events_rebuilt RENAME TO execution_events;
  `,
};
