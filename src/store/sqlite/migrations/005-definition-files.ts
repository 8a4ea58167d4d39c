import type { Migration } from './index.js';

/**
 * Files of definition versions (pack action scripts), so an execution runs the code of the
 * version it pinned, whatever happens to the pack folder. Contents are content-addressed
 * (one row per sha256, shared by every version that has the same bytes). Numbered after
 * 4 (event-positions, h-streams), written at the same time on another branch.
 */
export const definitionFilesMigration: Migration = {
  version: 5,
  name: 'definition-files',
  sql: `
    CREATE TABLE file_contents (
      sha256 TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      content BLOB NOT NULL
    );
    CREATE TABLE definition_files (
      definition_id TEXT NOT NULL REFERENCES definitions (id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      sha256 TEXT NOT NULL REFERENCES file_contents (sha256),
      PRIMARY KEY (definition_id, path)
    );
  `,
};
