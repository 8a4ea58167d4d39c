import type { PgMigration } from './index.js';

/**
 * Packs and versioned definitions, as in the SQLite backend. Documents are JSON, not
 * JSONB, so they come back exactly as written (key order, and strings JSONB refuses
 * such as \u0000). Refs use the "C" collation so ORDER BY sorts by code point, as SQLite does.
 * Timestamps are the ISO strings the application writes, so both backends return the same text.
 */
export const registryMigration: PgMigration = {
  version: 1,
  name: 'registry',
  sql: `
    CREATE TABLE packs (
      ref TEXT COLLATE "C" PRIMARY KEY,
      manifest JSON NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE TABLE definitions (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('workflow', 'template', 'action')),
      ref TEXT COLLATE "C" NOT NULL,
      pack_ref TEXT COLLATE "C" NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      content_hash TEXT NOT NULL,
      body JSON NOT NULL,
      source TEXT NOT NULL,
      file TEXT NOT NULL,
      origin JSON NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (kind, ref, version)
    );
    CREATE INDEX definitions_by_pack ON definitions (pack_ref, kind);

    CREATE TABLE definition_heads (
      kind TEXT NOT NULL,
      ref TEXT COLLATE "C" NOT NULL,
      pack_ref TEXT COLLATE "C" NOT NULL,
      active_version INTEGER NOT NULL,
      latest_version INTEGER NOT NULL,
      pinned BOOLEAN NOT NULL DEFAULT FALSE,
      deleted_at TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (kind, ref),
      FOREIGN KEY (kind, ref, active_version) REFERENCES definitions (kind, ref, version)
    );
    CREATE INDEX definition_heads_by_pack ON definition_heads (pack_ref, kind);
  `,
};
