import type { Pool, PoolClient } from 'pg';
import { toStoreError } from './pg-errors.js';

/** Leadership of one key, held by one node of those sharing the database. */
export interface Leadership {
  readonly key: string;
  /** Aborted when leadership is lost: the connection holding the lock dropped. */
  readonly signal: AbortSignal;
  /** Gives leadership up so another node can take it. */
  release(): Promise<void>;
}

// Namespaced by schema, so separate installations sharing one database elect separately.
const LOCK_KEY = `hashtextextended('harmonia:leader:' || COALESCE(current_schema(), '') || ':' || $1, 0)`;

/**
 * Becomes leader for `key` (git polling, pack sync: work one node should do) when no
 * other node is, and returns null at once when another node is. Backed by a session
 * advisory lock, so a leader whose process or connection dies loses it by itself; the
 * leadership holds one connection of `pool` until released (release it before closing
 * the store: ending the pool waits for that connection).
 * @example
 * const leader = await tryLeadership(store.pool, 'git-poll');
 * if (leader) startPolling({ signal: leader.signal });
 */
export async function tryLeadership(pool: Pool, key: string): Promise<Leadership | null> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error);
  }
  // The failing query rejects with the error; the listener only keeps the emitter from crashing the process.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let won: boolean;
  try {
    const { rows } = await client.query<{ won: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS won`, [key]);
    won = rows[0]?.won === true;
  } catch (error) {
    client.removeListener('error', ignore);
    client.release(error instanceof Error ? error : true);
    throw toStoreError(error);
  }
  client.removeListener('error', ignore);
  if (!won) {
    client.release();
    return null;
  }
  const held = client;
  const controller = new AbortController();
  const off = (): void => {
    held.removeListener('error', onLost);
    held.removeListener('end', onEnd);
  };
  function onLost(error?: Error): void {
    off();
    if (controller.signal.aborted) return;
    controller.abort(error ?? new Error(`leadership of '${key}' lost: its connection ended`));
    held.release(error ?? true);
  }
  function onEnd(): void {
    onLost();
  }
  held.on('error', onLost);
  held.on('end', onEnd);
  let released: Promise<void> | null = null;
  return {
    key,
    signal: controller.signal,
    release: () =>
      (released ??= (async () => {
        if (controller.signal.aborted) return;
        off();
        held.on('error', ignore);
        controller.abort(new Error(`leadership of '${key}' released`));
        try {
          await held.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [key]);
          held.removeListener('error', ignore);
          held.release();
        } catch (error) {
          // Ending the session frees the lock just as well.
          held.removeListener('error', ignore);
          held.release(error instanceof Error ? error : true);
        }
      })()),
  };
}
