import type { PgMigration } from './index.js';

/**
 * Marks the nodes that hold a liveness lock (node-liveness.ts) for their whole life. Only
 * for those does a free lock mean the node is gone, so its leases may be taken before they
 * expire; a node of an older release, or a program using the lease repository alone, takes
 * no lock and keeps its leases until they expire.
 */
export const nodeLivenessLocksMigration: PgMigration = {
  version: 11,
  name: 'node-liveness-locks',
  sql: `
    ALTER TABLE node_leases ADD COLUMN liveness_lock BOOLEAN NOT NULL DEFAULT false;
  `,
};
