import type { Notification, Pool, PoolClient } from 'pg';
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

/** The channel nudgeLeader() notifies on; the leader of a key listens on it while it leads. */
export const LEADERS_CHANNEL = 'harmonia_leaders';

export interface LeadershipOptions {
  /** Called on the leader when any node calls nudgeLeader(pool, key) (asks it to do its work now). */
  on_nudge?: () => void;
  /** Called on the leader when a node calls nudgeLeader(pool, key, 'ask') (asks it to repeat what it last told its followers). */
  on_ask?: () => void;
}

/** What a nudge asks of the leader: do its work now ('act'), or repeat its last announcement ('ask'). */
export type NudgeKind = 'act' | 'ask';

/**
 * Asks whichever node leads `key` to do its work now (a webhook that reached another
 * node): a notification only the current leader listens for. Nothing happens when no
 * node leads; the next leader does its work when it takes over anyway. With kind 'ask'
 * the leader's `on_ask` runs instead (a follower that just started wants its news).
 */
export async function nudgeLeader(pool: Pool, key: string, kind: NudgeKind = 'act'): Promise<void> {
  try {
    await pool.query(
      `SELECT pg_notify('${LEADERS_CHANNEL}', json_build_object('schema', COALESCE(current_schema(), ''), 'key', $1::text, 'kind', $2::text)::text)`,
      [key, kind],
    );
  } catch (error) {
    throw toStoreError(error);
  }
}

/**
 * Runs `fn` while holding the lock of `key`, waiting for it as long as another node
 * holds it (one node at a time, every node in turn: the start-up pack sync). The lock
 * is the one tryLeadership takes, so `fn` also waits for a leader of the same key.
 */
export async function withLeaderLock<T>(pool: Pool, key: string, fn: () => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error);
  }
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    try {
      await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`, [key]);
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw toStoreError(error);
    }
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [key]).catch((error: unknown) => {
        // Ending the session frees the lock just as well.
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    client.removeListener('error', ignore);
    client.release(broken);
  }
}

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
export async function tryLeadership(pool: Pool, key: string, options: LeadershipOptions = {}): Promise<Leadership | null> {
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
  let schema = '';
  const listens = options.on_nudge !== undefined || options.on_ask !== undefined;
  try {
    const { rows } = await client.query<{ won: boolean; schema: string }>(
      `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS won, COALESCE(current_schema(), '') AS schema`,
      [key],
    );
    won = rows[0]?.won === true;
    schema = rows[0]?.schema ?? '';
    if (won && listens) await client.query(`LISTEN ${LEADERS_CHANNEL}`);
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
  const onNotification = (message: Notification): void => {
    if (message.channel !== LEADERS_CHANNEL || controller.signal.aborted) return;
    try {
      const nudge = JSON.parse(message.payload ?? '') as { schema?: unknown; key?: unknown; kind?: unknown };
      if (nudge.schema !== schema || nudge.key !== key) return;
      // A nudge without a kind comes from a node of an older release: it means 'act'.
      if (nudge.kind === 'ask') options.on_ask?.();
      else options.on_nudge?.();
    } catch {
      // Not ours: another program's payload on the same channel name.
    }
  };
  if (listens) held.on('notification', onNotification);
  const off = (): void => {
    held.removeListener('error', onLost);
    held.removeListener('end', onEnd);
    held.removeListener('notification', onNotification);
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
          if (listens) await held.query(`UNLISTEN ${LEADERS_CHANNEL}`);
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
