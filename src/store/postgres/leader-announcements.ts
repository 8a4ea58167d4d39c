/**
 * What the leader of a key tells the nodes that follow it (the git leader: "the registry
 * is synced from commit X"), on PostgreSQL's LISTEN/NOTIFY. A follower listens on one
 * connection of its own (besides the statement pool), re-listening with backoff when it
 * drops; announcements sent while it was away are lost, so it is told each time it
 * listens again and asks anew.
 */
import type { Pool } from 'pg';
import { listenChannel } from './listen-channel.js';
import { toStoreError } from './pg-errors.js';

/** The channel leaders announce on; followers of every key listen on it. */
export const FOLLOWERS_CHANNEL = 'harmonia_followers';

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
 * `on_error` and it tries again (listen-channel.ts). Holds one connection of `pool`
 * while listening; close it before closing the pool.
 */
export function listenForAnnouncements(pool: Pool, key: string, options: AnnouncementListenerOptions): AnnouncementListener {
  const listener = listenChannel(pool, FOLLOWERS_CHANNEL, {
    retry_first: true,
    on_payload: (payload, schema) => {
      let parsed: { schema?: unknown; key?: unknown; from?: unknown; message?: unknown };
      try {
        parsed = JSON.parse(payload) as typeof parsed;
      } catch {
        return; // another program's payload on the same channel name
      }
      if (parsed.schema !== schema || parsed.key !== key || typeof parsed.message !== 'string') return;
      options.on_message(parsed.message, typeof parsed.from === 'string' ? parsed.from : '');
    },
    on_listening: () => options.on_listening?.(),
    on_error: (error) => options.on_error?.(error),
  });
  return { close: () => listener.close() };
}
