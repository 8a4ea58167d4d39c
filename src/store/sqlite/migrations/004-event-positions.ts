import type { Migration } from './index.js';

/**
 * A global position for every stored event, so the all-events streams can resume from a
 * cursor across executions. SQLite has one writer at a time, so `MAX(pos) + 1` taken inside
 * the appending transaction numbers events in commit order. Events stored before this
 * migration are numbered by their timestamp (then execution and seq).
 */
export const eventPositionsMigration: Migration = {
  version: 4,
  name: 'event-positions',
  sql: `
    ALTER TABLE execution_events ADD COLUMN pos INTEGER;
    UPDATE execution_events SET pos = numbered.n
      FROM (
        SELECT execution_id, seq, ROW_NUMBER() OVER (ORDER BY json_extract(event, '$.timestamp'), execution_id, seq) AS n
        FROM execution_events
      ) AS numbered
      WHERE execution_events.execution_id = numbered.execution_id AND execution_events.seq = numbered.seq;
    CREATE UNIQUE INDEX execution_events_by_pos ON execution_events (pos);
  `,
};
