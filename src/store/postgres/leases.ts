import { HarmoniaError } from '../../core/errors.js';
import type { ExecutionLease, LeaseRepo, NodeLease } from '../store.js';
import type { PgExecutor } from './executor.js';
import { DEAD_NODES } from './node-liveness.js';
import { arrayLiteral } from './array-literal.js';

interface LeaseRow {
  execution_id: string;
  node_id: string;
  token: string;
  expires_at: string;
}

// ISO text like the rest of the store, from the database's clock.
const ISO = `to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const expiry = (leaseParam: string): string => `now() + ${leaseParam}::float8 * interval '1 millisecond'`;
const touchNode = (leaseParam: string): string => `
  INSERT INTO node_leases (node_id, heartbeat_at, expires_at) VALUES ($1, now(), ${expiry(leaseParam)})
  ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`;

const isoOf = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
// A node whose liveness lock is free is not alive, however long its lease still runs ($1: no node excluded).
const NODES = `
  WITH ${DEAD_NODES.trimStart()}
  SELECT n.node_id, ${isoOf('n.started_at')} AS started_at, ${isoOf('n.heartbeat_at')} AS heartbeat_at,
    ${isoOf('n.expires_at')} AS expires_at, n.expires_at > now() AND n.node_id NOT IN (SELECT node_id FROM dead) AS alive,
    (SELECT count(*) FROM execution_leases l WHERE l.node_id = n.node_id AND l.expires_at > now()) AS executions
  FROM node_leases n
  ORDER BY alive DESC, n.node_id`;

// Lock order everywhere: the executions row, then its lease row. Claimers skip locked
// executions rows, so a claim never waits for a writer and never takes a row another
// claimer is taking; renewals skip locked lease rows, so they never wait at all. Writers
// hold the executions row, which is what keeps a claimer out, and read the lease row FOR
// KEY SHARE (which still yields its newest version): that lock does not conflict with a
// renewal's update, so a lease is renewed even while its execution's write waits for the
// event-position lock. FOR SHARE did conflict: a busy execution's lease went unrenewed,
// round after round, until it ran out under a live node and another node took it over.
// A lease holds while unexpired, unless its node's liveness lock is free (DEAD_NODES):
// then the node is gone and its executions are taken at once. Every claimer asks, in the
// statement it runs anyway, rather than a leader expiring dead nodes' leases: no leader to
// lose (its death would delay the failover it is for), no extra statement or round trip.
// A claim only registers its node (renewals keep the row current): an update would hold the
// node's row until the claiming transaction ends, and a node's creating transaction stays
// open for as long as its event loop takes (seconds, starved of CPU), so the renewal
// thread's update of that row waited for the very loop it exists to outlive, and the
// node's leases ran out under live executions.
const registerNode = `
  INSERT INTO node_leases (node_id, heartbeat_at, expires_at) VALUES ($1, now(), ${expiry('$3')})
  ON CONFLICT (node_id) DO NOTHING`;
export const CLAIM = `
  WITH node AS (${registerNode}),
  ${DEAD_NODES},
  candidates AS (
    SELECT e.id FROM executions e
    WHERE e.status IN ('pending', 'running', 'paused')
      AND ($4::text IS NULL OR e.id = $4)
      AND NOT EXISTS (
        SELECT 1 FROM execution_leases l
        WHERE l.execution_id = e.id AND l.expires_at > now() AND l.node_id NOT IN (SELECT node_id FROM dead))
    ORDER BY e.created_at, e.pos
    LIMIT $2
    FOR NO KEY UPDATE OF e SKIP LOCKED
  )
  INSERT INTO execution_leases AS l (execution_id, node_id, token, claimed_at, expires_at)
  SELECT id, $1, nextval('lease_tokens'), now(), ${expiry('$3')} FROM candidates ORDER BY id
  ON CONFLICT (execution_id) DO UPDATE SET
    node_id = excluded.node_id, token = excluded.token, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
    WHERE l.expires_at <= now() OR l.node_id IN (SELECT node_id FROM dead)
  RETURNING execution_id, node_id, token, ${ISO} AS expires_at`;

/** Renews every lease of node $1 for $2 ms; also run by the renewal thread (renewal-thread.ts). */
export const RENEW = `
  WITH node AS (${touchNode('$2')}),
  renewed AS (
    UPDATE execution_leases SET expires_at = ${expiry('$2')}
    WHERE execution_id IN (
      SELECT execution_id FROM execution_leases WHERE node_id = $1 ORDER BY execution_id FOR NO KEY UPDATE SKIP LOCKED)
    RETURNING execution_id, expires_at
  )
  SELECT execution_id, node_id, token, ${ISO} AS expires_at
  FROM (SELECT l.execution_id, l.node_id, l.token, COALESCE(r.expires_at, l.expires_at) AS expires_at
        FROM execution_leases l LEFT JOIN renewed r ON r.execution_id = l.execution_id) AS l
  WHERE node_id = $1
  ORDER BY execution_id`;

// assertLease for a whole write batch in one round trip. The lock order stays the same:
// the scalar subquery (an init plan) locks every executions row, in id order, before
// the lease rows are read and key-share-locked. Only mismatches come back.
const ASSERT_MANY = `
  WITH locked AS (SELECT id FROM executions WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE),
  held AS (
    SELECT execution_id, token, node_id FROM execution_leases
    WHERE execution_id = ANY($1::text[]) AND (SELECT count(*) FROM locked) >= 0
    ORDER BY execution_id FOR KEY SHARE)
  SELECT w.execution_id, w.token AS wanted, h.token, h.node_id
  FROM unnest($1::text[], $2::bigint[]) AS w(execution_id, token)
  LEFT JOIN held h ON h.execution_id = w.execution_id
  WHERE h.token IS DISTINCT FROM w.token
  ORDER BY w.execution_id`;

export function staleLease(executionId: string, token: number, row: { token: string | null; node_id: string | null } | undefined): HarmoniaError {
  const current = row && row.token !== null ? row : undefined;
  const holder = current ? `token ${current.token} of node '${current.node_id}'` : 'no lease';
  return new HarmoniaError(
    'STORE_CONFLICT',
    `stale lease: execution '${executionId}' is now held by ${holder}, not token ${token}; stop working on it`,
    { details: { execution_id: executionId, token, current_token: current ? Number(current.token) : null } },
  );
}

function toLease(row: LeaseRow): ExecutionLease {
  return { execution_id: row.execution_id, node_id: row.node_id, token: Number(row.token), expires_at: row.expires_at };
}

function checkArguments(nodeId: string, leaseMs: number, limit = 1): void {
  if (nodeId.length === 0) throw new HarmoniaError('USAGE_INVALID', "invalid node id ''; expected a non-empty string");
  if (!Number.isInteger(leaseMs) || leaseMs < 0) {
    throw new HarmoniaError('USAGE_INVALID', `invalid lease duration '${leaseMs}'; expected whole milliseconds, 0 or more`);
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new HarmoniaError('USAGE_INVALID', `invalid claim limit '${limit}'; expected an integer of 1 or more`);
  }
}

/**
 * Execution leases with fencing tokens over PostgreSQL (see LeaseRepo). Bound to the
 * pool, each call is its own transaction; bound to a transaction, its locks last until
 * that transaction ends, which is what assertLease needs.
 */
export class PostgresLeaseRepo implements LeaseRepo {
  constructor(private readonly exec: PgExecutor) {}

  async claimExecutions(nodeId: string, limit: number, leaseMs: number): Promise<ExecutionLease[]> {
    checkArguments(nodeId, leaseMs, limit);
    return this.exec.write(async (query) => (await query<LeaseRow>(CLAIM, [nodeId, limit, leaseMs, null])).map(toLease));
  }

  async claimExecution(nodeId: string, executionId: string, leaseMs: number): Promise<ExecutionLease | null> {
    checkArguments(nodeId, leaseMs);
    return this.exec.write(async (query) => {
      const [row] = await query<LeaseRow>(CLAIM, [nodeId, 1, leaseMs, executionId]);
      return row ? toLease(row) : null;
    });
  }

  async renewLeases(nodeId: string, leaseMs: number): Promise<ExecutionLease[]> {
    checkArguments(nodeId, leaseMs);
    return this.exec.write(async (query) => (await query<LeaseRow>(RENEW, [nodeId, leaseMs])).map(toLease));
  }

  releaseLease(executionId: string, token: number): Promise<boolean> {
    return this.exec.write(
      async (query) =>
        (await query('DELETE FROM execution_leases WHERE execution_id = $1 AND token = $2 RETURNING token', [executionId, token]))
          .length > 0,
    );
  }

  releaseLeases(leases: ReadonlyArray<{ execution_id: string; token: number }>): Promise<number> {
    if (leases.length === 0) return Promise.resolve(0);
    return this.exec.write(
      async (query) =>
        (
          await query(
            `DELETE FROM execution_leases l USING unnest($1::text[], $2::bigint[]) AS r(execution_id, token)
             WHERE l.execution_id = r.execution_id AND l.token = r.token RETURNING l.token`,
            [arrayLiteral(leases.map((lease) => lease.execution_id)), arrayLiteral(leases.map((lease) => lease.token))],
          )
        ).length,
    );
  }

  releaseNode(nodeId: string): Promise<number> {
    return this.exec.atomic(async (query) => {
      const released = await query('DELETE FROM execution_leases WHERE node_id = $1 RETURNING execution_id', [nodeId]);
      await query('DELETE FROM node_leases WHERE node_id = $1', [nodeId]);
      return released.length;
    });
  }

  listNodes(): Promise<NodeLease[]> {
    return this.exec.read(async (query) =>
      (await query<Omit<NodeLease, 'executions'> & { executions: string }>(NODES, [''])).map((row) => ({ ...row, executions: Number(row.executions) })),
    );
  }

  getLease(executionId: string): Promise<ExecutionLease | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<LeaseRow>(
        `SELECT execution_id, node_id, token, ${ISO} AS expires_at FROM execution_leases WHERE execution_id = $1`,
        [executionId],
      );
      return row ? toLease(row) : null;
    });
  }

  assertLease(executionId: string, token: number): Promise<void> {
    return this.exec.read(async (query) => {
      // The executions row first (the lock order claimers use), then the lease: a takeover
      // now waits for, or is skipped by, this transaction.
      await query('SELECT 1 FROM executions WHERE id = $1 FOR NO KEY UPDATE', [executionId]);
      const [row] = await query<{ token: string; node_id: string }>(
        'SELECT token, node_id FROM execution_leases WHERE execution_id = $1 FOR KEY SHARE',
        [executionId],
      );
      if (row && Number(row.token) === token) return;
      throw staleLease(executionId, token, row);
    });
  }

  assertLeases(leases: ReadonlyArray<{ execution_id: string; token: number }>): Promise<void> {
    if (leases.length === 0) return Promise.resolve();
    return this.exec.read(async (query) => {
      const [stale] = await query<{ execution_id: string; wanted: string; token: string | null; node_id: string | null }>(ASSERT_MANY, [
        arrayLiteral(leases.map((lease) => lease.execution_id)),
        arrayLiteral(leases.map((lease) => lease.token)),
      ]);
      if (stale) throw staleLease(stale.execution_id, Number(stale.wanted), stale);
    });
  }
}
