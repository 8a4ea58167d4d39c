import type { PgMigration } from './index.js';

/**
 * A global position for every stored event, so the all-events streams can resume from a
 * cursor across executions. Appends take a transaction-scoped advisory lock before drawing
 * positions (see PostgresExecutionRepo.appendEvents), so positions are committed in
 * increasing order on every node: a reader that saw position P never later finds a new
 * event below P. Events stored before this migration get positions in table order.
 */
export const eventPositionsMigration: PgMigration = {
  version: 5,
  name: 'event-positions',
  sql: `
    ALTER TABLE execution_events ADD COLUMN pos BIGINT GENERATED ALWAYS AS IDENTITY;
    CREATE UNIQUE INDEX execution_events_by_pos ON execution_events (pos);
  `,
};
