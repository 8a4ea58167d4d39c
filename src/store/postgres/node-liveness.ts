/**
 * A node's liveness lock: a session advisory lock keyed by its node id, held on a
 * connection of its own for the node's whole life. When the process dies the server ends
 * the session and the lock is free at once, so peers may take the node's executions
 * without waiting for its leases to expire (the claim statement in leases.ts asks
 * pg_locks). A network partition is different: the server keeps the session, and so the
 * lock, until its TCP keepalive gives up, and peers wait for the leases as before.
 */
import pg from 'pg';
import { HarmoniaError } from '../../core/errors.js';
import type { NodeLiveness, NodeLivenessOptions } from '../store.js';
import { askAgainWhileBusy } from './patient-pool.js';
import { pgCode, toStoreError } from './pg-errors.js';
import type { RenewalConnection } from './renewal-thread.js';

/** The lock's key for a node id (the expression both the holder and claimers compute), namespaced by schema like leadership. */
export const livenessKey = (nodeId: string): string =>
  `hashtextextended('harmonia:node:' || COALESCE(current_schema(), '') || ':' || ${nodeId}, 0)`;

/**
 * Node ids (other than $1's) whose node took a liveness lock that is free now: they are
 * gone, and their unexpired leases may be taken. Lazy in a CTE: pg_locks is read only when
 * an unexpired lease is met, once per statement.
 */
export const DEAD_NODES = `
  dead AS MATERIALIZED (
    SELECT n.node_id FROM node_leases n
    WHERE n.liveness_lock AND n.node_id <> $1
      AND ${livenessKey('n.node_id')} NOT IN (
        SELECT (k.classid::int8 << 32) | k.objid::int8 FROM pg_locks k
        WHERE k.locktype = 'advisory' AND k.objsubid = 1 AND k.granted
          AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())))`;

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Takes the liveness lock of `options.node_id` and marks the node as one that holds it.
 * Throws CONFIG_INVALID when another live session holds it after wait_ms (two nodes with
 * one id), STORE_UNAVAILABLE when the database cannot be reached.
 */
export async function holdNodeLiveness(connection: RenewalConnection, options: NodeLivenessOptions): Promise<NodeLiveness> {
  // Failing queries reject with the error; until the lock is held this only keeps the emitter from crashing the process.
  const ignore = (): void => undefined;
  // A client connects once, so each attempt while the database is full takes a new one.
  const client = await askAgainWhileBusy(async () => {
    const fresh = new pg.Client({
      connectionString: connection.url,
      application_name: connection.application_name,
      keepAlive: true,
      ...(connection.options ? { options: connection.options } : {}),
    });
    fresh.on('error', ignore);
    try {
      await fresh.connect();
    } catch (error) {
      await fresh.end().catch(() => undefined);
      throw error;
    }
    return fresh;
  }).catch((error: unknown) => {
    throw toStoreError(error);
  });
  const key = livenessKey('$1::text');
  let won = false;
  try {
    if (options.wait_ms > 0) {
      await client.query(`SET lock_timeout = ${Math.ceil(options.wait_ms)}`);
      try {
        await client.query(`SELECT pg_advisory_lock(${key})`, [options.node_id]);
        won = true;
      } catch (error) {
        if (pgCode(error) !== LOCK_NOT_AVAILABLE) throw error;
      }
      await client.query('RESET lock_timeout');
    } else {
      const { rows } = await client.query<{ won: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS won`, [options.node_id]);
      won = rows[0]?.won === true;
    }
    if (won) {
      await client.query(
        `INSERT INTO node_leases (node_id, heartbeat_at, expires_at, liveness_lock) VALUES ($1, now(), now(), true)
         ON CONFLICT (node_id) DO UPDATE SET liveness_lock = true`,
        [options.node_id],
      );
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toStoreError(error);
  }
  if (!won) {
    await client.end().catch(() => undefined);
    throw new HarmoniaError(
      'CONFIG_INVALID',
      `node id '${options.node_id}' is in use by another live node sharing this database; give every node its own node_id (HARMONIA_NODE_ID)`,
      { details: { node_id: options.node_id } },
    );
  }
  const controller = new AbortController();
  let pinging = false;
  const lost = (reason: Error): void => {
    if (controller.signal.aborted) return;
    clearInterval(pinger);
    controller.abort(reason);
    // Ending the session frees the lock if the server still holds it: peers may take over now, as this node stops.
    client.end().catch(() => undefined);
  };
  const onError = (error: Error): void => lost(error);
  const onEnd = (): void => lost(new Error(`the liveness lock of node '${options.node_id}' was lost: its connection ended`));
  client.removeListener('error', ignore);
  client.on('error', onError);
  client.on('end', onEnd);
  const pinger = setInterval(() => {
    if (pinging || controller.signal.aborted) return;
    pinging = true;
    // After a stalled event loop the answer may be queued right behind this timer: hear it first.
    const overdue = setTimeout(
      () =>
        setImmediate(() => {
          if (pinging) lost(new Error(`the liveness lock of node '${options.node_id}' counts as lost: its connection did not answer for ${options.ping_timeout_ms} ms`));
        }),
      options.ping_timeout_ms,
    );
    overdue.unref();
    client
      .query('SELECT 1')
      .catch((error: unknown) => lost(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        clearTimeout(overdue);
        pinging = false;
      });
  }, options.ping_ms);
  pinger.unref();
  let released: Promise<void> | null = null;
  return {
    signal: controller.signal,
    release: () =>
      (released ??= (async () => {
        client.removeListener('error', onError);
        client.removeListener('end', onEnd);
        client.on('error', ignore);
        clearInterval(pinger);
        if (!controller.signal.aborted) controller.abort(new Error(`the liveness lock of node '${options.node_id}' was released`));
        // Ending the session frees the lock.
        await client.end().catch(() => undefined);
      })()),
  };
}
