import type { Migration } from './index.js';

/**
 * Event positions given once. `pos` is the table's rowid (migration 9), which SQLite gives a
 * new row one past the largest row still in the table: deleting the execution that held the
 * newest events gave their positions again, and a stream cursor past them skipped the new
 * events without a word (an all-events reader reads `pos > cursor`).
 *
 * The highest position is kept in the table itself. When a delete takes the row holding it,
 * a trigger puts a placeholder row at that position (`execution_id` NULL: no execution's
 * event, so no foreign key or cascade touches it), then drops an older placeholder (in that
 * order, so that with recursive triggers on the drop finds nothing to keep), in the deleting
 * transaction: the largest rowid, and with it the next position, never goes back. The
 * trigger runs on every connection, the sqlite3 shell's too, whatever deletes: a cascade
 * from `executions`, a delete of events, of the placeholder itself. Readers of every
 * execution's events skip the placeholder. Nothing changes on the commit path, where
 * `INTEGER PRIMARY KEY AUTOINCREMENT` keeps its mark in `sqlite_sequence`, read and
 * rewritten by every INSERT: ~8,600 more instructions and one more page in the log a wide
 * commit (docs/performance.md, "h-pos").
 *
 * Rebuilt as migration 9 rebuilt it, only `execution_id` losing NOT NULL, and copied with
 * `INSERT … SELECT *` from a table of the same shape with foreign keys off, which SQLite runs
 * as a transfer of the stored records (no decoding, no index lookups). Positions given and
 * deleted before this migration are not known to it: it keeps the largest one stored.
 */
export const positionsNeverReusedMigration: Migration = {
  version: 10,
  name: 'positions never reused',
  foreign_keys: 'off',
  sql: `
    CREATE TABLE execution_events_rebuilt (
      pos INTEGER PRIMARY KEY,
      execution_id TEXT REFERENCES executions (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      event TEXT NOT NULL,
      UNIQUE (execution_id, seq)
    );
    INSERT INTO execution_events_rebuilt SELECT * FROM execution_events;
    DROP TABLE execution_events;
    ALTER TABLE execution_events_rebuilt RENAME TO execution_events;
    CREATE TRIGGER execution_events_keep_highest AFTER DELETE ON execution_events
      WHEN OLD.pos > COALESCE((SELECT MAX(pos) FROM execution_events), 0)
    BEGIN
      INSERT INTO execution_events (pos, execution_id, seq, event) VALUES (OLD.pos, NULL, 1, '');
      DELETE FROM execution_events WHERE execution_id IS NULL AND pos < OLD.pos;
    END;
  `,
};
