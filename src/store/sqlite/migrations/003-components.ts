import type { Migration } from './index.js';

export const componentsMigration: Migration = {
  version: 3,
  name: 'components',
  sql: `
    CREATE TABLE components (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      base_url TEXT NOT NULL,
      capabilities TEXT NOT NULL,
      metadata TEXT NOT NULL,
      registered_at TEXT NOT NULL,
      last_heartbeat_at TEXT
    );
  `,
};
