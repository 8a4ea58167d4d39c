import type { PgMigration } from './index.js';

export const componentsMigration: PgMigration = {
  version: 3,
  name: 'components',
  sql: `
    CREATE TABLE components (
      id TEXT COLLATE "C" PRIMARY KEY,
      name TEXT COLLATE "C" NOT NULL UNIQUE,
      base_url TEXT NOT NULL,
      capabilities JSON NOT NULL,
      metadata JSON NOT NULL,
      registered_at TEXT NOT NULL,
      last_heartbeat_at TEXT
    );
  `,
};
