import type { PgMigration } from './index.js';

/**
 * Leases for several nodes sharing one database. A node holds an execution while its
 * lease is unexpired; every claim draws a fresh fencing token from lease_tokens, so a
 * node that lost its lease can be told apart from the one that took it over. Lease
 * times are the database's clock (now()), never a node's, so clock skew between nodes
 * does not matter. node_leases records which nodes are alive, for operators.
 */
export const leasesMigration: PgMigration = {
  version: 4,
  name: 'leases',
  sql: `
    CREATE SEQUENCE lease_tokens AS BIGINT;

    CREATE TABLE node_leases (
      node_id TEXT COLLATE "C" PRIMARY KEY,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      heartbeat_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    );

    CREATE TABLE execution_leases (
      execution_id TEXT COLLATE "C" PRIMARY KEY REFERENCES executions (id) ON DELETE CASCADE,
      node_id TEXT COLLATE "C" NOT NULL,
      token BIGINT NOT NULL,
      claimed_at TIMESTAMPTZ NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX execution_leases_by_node ON execution_leases (node_id);
  `,
};
