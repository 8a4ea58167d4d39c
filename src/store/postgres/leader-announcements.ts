/**
 * What the leader of a key tells the nodes that follow it (the git leader: "the registry
 * is synced from commit X"), on PostgreSQL's LISTEN/NOTIFY. A follower listens on one
 * connection of its pool, re-listening with backoff when it drops; announcements sent
 * while it was away are lost, so it is told each time it listens again and asks anew.
 */
import type { Notification, Pool, PoolClient } from 'pg';
import { toStoreError } from './pg-errors.js';

/** The channel leaders announce on; followers of every key listen on it. */
export const FOLLOWERS_CHANNEL = 'harmonia_followers';

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * Tells every node listening for `key` (in this schema) `message`. `from` names the
 * sender, so a node can ignore its own announcements.
 */
export async function announceToFollowers(pool: Pool, key: string, message: string, from: string): Promise<void> {
  try {
    await pool.query(
      `SELECT pg_notify('${FOLLOWERS_CHANNEL}', json_build_object('schema', COALESCE(current_schema(), ''), 'key', $1::text, 'from', $2::text, 'message', $3::text)::text)`,
      [key, from, message],
    );
  } catch (error) {
    throw toStoreError(error);
  }
}

export interface AnnouncementListenerOptions {
  /** Each announcement for the key, with its sender. */
  on_message: (message: string, from: string) => void;
  /** Called each time the listener (re)starts listening: what was announced before is not replayed. */
  on_listening?: () => void;
  /** A lost connection or a failed attempt to listen (it retries by itself). */
  on_error?: (error: Error) => void;
}

export interface AnnouncementListener {
  close(): Promise<void>;
}

/**
 * Listens for announcements of `key` until closed. Never throws: failures go to
 * `on_error` and it tries again, 100 ms doubling up to 5 s. Holds one connection of
 * `pool` while listening; close it before closing the pool.
 */
export function listenForAnnouncements(pool: Pool, key: string, options: AnnouncementListenerOptions): AnnouncementListener {
  let client: PoolClient | null = null;
  let detach: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let delay = RECONNECT_FIRST_MS;
  const fail = (error: unknown): void => {
    const mapped = toStoreError(error);
    options.on_error?.(mapped instanceof Error ? mapped : new Error(String(mapped)));
  };

  const retry = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void listen();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  async function listen(): Promise<void> {
    let next: PoolClient;
    try {
      next = await pool.connect();
    } catch (error) {
      fail(error);
      return retry();
    }
    let schema = '';
    const onNotification = (message: Notification): void => {
      if (message.channel !== FOLLOWERS_CHANNEL) return;
      let parsed: { schema?: unknown; key?: unknown; from?: unknown; message?: unknown };
      try {
        parsed = JSON.parse(message.payload ?? '') as typeof parsed;
      } catch {
        return; // another program's payload on the same channel name
      }
      if (parsed.schema !== schema || parsed.key !== key || typeof parsed.message !== 'string') return;
      options.on_message(parsed.message, typeof parsed.from === 'string' ? parsed.from : '');
    };
    const off = (): void => {
      next.removeListener('notification', onNotification);
      next.removeListener('error', lost);
      next.removeListener('end', ended);
    };
    function lost(error?: Error): void {
      off();
      if (client === next) client = null;
      detach = null;
      next.release(error ?? true);
      if (closed) return;
      fail(error ?? new Error('announcement connection ended'));
      retry();
    }
    function ended(): void {
      lost();
    }
    next.on('error', lost);
    next.on('end', ended);
    try {
      const { rows } = await next.query<{ schema: string }>(`SELECT COALESCE(current_schema(), '') AS schema`);
      schema = rows[0]?.schema ?? '';
      next.on('notification', onNotification);
      await next.query(`LISTEN ${FOLLOWERS_CHANNEL}`);
    } catch (error) {
      off();
      next.release(error instanceof Error ? error : true);
      fail(error);
      return retry();
    }
    if (closed) {
      off();
      await next.query(`UNLISTEN ${FOLLOWERS_CHANNEL}`).catch(() => undefined);
      next.release();
      return;
    }
    client = next;
    detach = off;
    delay = RECONNECT_FIRST_MS;
    options.on_listening?.();
  }

  void listen();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const held = client;
      client = null;
      if (!held) return;
      detach?.();
      detach = null;
      const ignore = (): void => undefined;
      held.on('error', ignore);
      try {
        await held.query(`UNLISTEN ${FOLLOWERS_CHANNEL}`);
        held.removeListener('error', ignore);
        held.release();
      } catch (error) {
        held.removeListener('error', ignore);
        held.release(error instanceof Error ? error : true);
      }
    },
  };
}
