import type { PgMigration } from './index.js';

/**
 * Files of definition versions (pack action scripts), so an execution runs the code of the
 * version it pinned, whatever happens to the pack folder. Contents are content-addressed
 * (one row per sha256, shared by every version that has the same bytes). Numbered after
 * 5 (event-positions, h-streams), written at the same time on another branch.
 */
export const definitionFilesMigration: PgMigration = {
  version: 6,
  name: 'definition-files',
  sql: `
    CREATE TABLE file_contents (
      sha256 TEXT COLLATE "C" PRIMARY KEY,
      size INTEGER NOT NULL,
      content BYTEA NOT NULL
    );
    CREATE TABLE definition_files (
      definition_id TEXT NOT NULL REFERENCES definitions (id) ON DELETE CASCADE,
      path TEXT COLLATE "C" NOT NULL,
      sha256 TEXT COLLATE "C" NOT NULL REFERENCES file_contents (sha256),
      PRIMARY KEY (definition_id, path)
    );
  `,
};
