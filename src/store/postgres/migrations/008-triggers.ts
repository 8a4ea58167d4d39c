import type { PgMigration } from './index.js';

/**
 * Trigger fires and state (src/triggers). The primary key on (trigger_id, scheduled_at)
 * is what makes each scheduled time fire once, whichever node fires it. Named for what
 * it holds so branches that add migrations meanwhile can be renumbered at merge.
 */
export const triggersMigration: PgMigration = {
  version: 8,
  name: 'triggers',
  sql: `
    CREATE TABLE trigger_fires (
      trigger_id TEXT COLLATE "C" NOT NULL,
      scheduled_at TEXT COLLATE "C" NOT NULL,
      reason TEXT NOT NULL,
      status TEXT NOT NULL,
      execution_id TEXT COLLATE "C",
      source_execution_id TEXT COLLATE "C",
      node_id TEXT NOT NULL,
      detail TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (trigger_id, scheduled_at)
    );
    CREATE INDEX trigger_fires_status ON trigger_fires (status, scheduled_at);
    CREATE INDEX trigger_fires_execution ON trigger_fires (execution_id);
    -- An after-trigger fires once per source execution (NULLs, every other fire, never collide).
    CREATE UNIQUE INDEX trigger_fires_source ON trigger_fires (trigger_id, source_execution_id);

    CREATE TABLE trigger_states (
      trigger_id TEXT COLLATE "C" PRIMARY KEY,
      paused BOOLEAN NOT NULL DEFAULT false,
      note TEXT,
      since TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
