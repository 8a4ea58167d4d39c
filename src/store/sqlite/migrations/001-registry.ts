import type { Migration } from './index.js';

/**
 * Packs and versioned definitions. A definition row is immutable once written; the
 * head row says which version of a ref is active, whether it is pinned and whether
 * its file was pruned. Packs are not foreign keys of definitions: deleting a pack
 * keeps its versions for the executions that still point at them.
 */
export const registryMigration: Migration = {
  version: 1,
  name: 'registry',
  sql: `
    CREATE TABLE packs (
      ref TEXT PRIMARY KEY,
      manifest TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE TABLE definitions (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('workflow', 'template', 'action')),
      ref TEXT NOT NULL,
      pack_ref TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      content_hash TEXT NOT NULL,
      body TEXT NOT NULL,
      source TEXT NOT NULL,
      file TEXT NOT NULL,
      origin TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (kind, ref, version)
    );
    CREATE INDEX definitions_by_pack ON definitions (pack_ref, kind);

    CREATE TABLE definition_heads (
      kind TEXT NOT NULL,
      ref TEXT NOT NULL,
      pack_ref TEXT NOT NULL,
      active_version INTEGER NOT NULL,
      latest_version INTEGER NOT NULL,
      pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
      deleted_at TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (kind, ref),
      FOREIGN KEY (kind, ref, active_version) REFERENCES definitions (kind, ref, version)
    );
    CREATE INDEX definition_heads_by_pack ON definition_heads (pack_ref, kind);
  `,
};
