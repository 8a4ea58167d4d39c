import type { PgMigration } from './index.js';

/**
 * Executions, their append-only events, checkpoints and custom state. `pos` keeps
 * insertion order for ties on created_at (SQLite's rowid). A statement trigger
 * publishes every append on the `harmonia_events` channel, one notification per
 * execution and statement, sent at commit: {schema, execution_id, from_seq, to_seq}.
 * Listeners fetch the rows; a payload never carries the events themselves (8 kB limit).
 */
export const executionsMigration: PgMigration = {
  version: 2,
  name: 'executions',
  sql: `
    CREATE TABLE executions (
      id TEXT COLLATE "C" PRIMARY KEY,
      pos BIGINT GENERATED ALWAYS AS IDENTITY,
      workflow_id TEXT NOT NULL,
      workflow_ref TEXT COLLATE "C" NOT NULL,
      workflow_version INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'canceled')),
      input JSON NOT NULL,
      output JSON,
      error JSON,
      parent_execution_id TEXT,
      parent_task_id TEXT,
      created_at TEXT COLLATE "C" NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT,
      last_seq BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX executions_by_status ON executions (status, created_at);
    CREATE INDEX executions_by_ref ON executions (workflow_ref, created_at);
    CREATE INDEX executions_by_parent ON executions (parent_execution_id);
    CREATE INDEX executions_unfinished ON executions (created_at, pos) WHERE status IN ('pending', 'running', 'paused');

    CREATE TABLE execution_events (
      execution_id TEXT COLLATE "C" NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      seq BIGINT NOT NULL CHECK (seq >= 1),
      event JSON NOT NULL,
      PRIMARY KEY (execution_id, seq)
    );

    CREATE TABLE checkpoints (
      id TEXT PRIMARY KEY,
      execution_id TEXT COLLATE "C" NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
      seq BIGINT NOT NULL,
      snapshot JSON NOT NULL,
      created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX checkpoints_by_execution ON checkpoints (execution_id, seq);

    CREATE TABLE execution_state (
      execution_id TEXT COLLATE "C" PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
      state JSON NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE FUNCTION notify_execution_events() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('harmonia_events', json_build_object(
        'schema', TG_TABLE_SCHEMA, 'execution_id', execution_id, 'from_seq', MIN(seq), 'to_seq', MAX(seq))::text)
      FROM appended GROUP BY execution_id;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER execution_events_notify AFTER INSERT ON execution_events
      REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION notify_execution_events();
  `,
};
