/**
 * Everything the cluster needs of PostgreSQL beyond the repositories: channels
 * (LISTEN/NOTIFY), the event notifier, leadership of a key and its announcements. The
 * store owns the pools; the cluster sees only this, so no code outside src/store/postgres
 * holds a connection or writes SQL.
 */
import type { Pool } from 'pg';
import { createNotifier, type EventNotifier, type NotifierOptions } from './create-notifier.js';
import {
  announceToFollowers,
  listenForAnnouncements,
  type AnnouncementListener,
  type AnnouncementListenerOptions,
} from './leader-announcements.js';
import { listenChannel, notifyChannel, type ChannelListener, type ChannelListenerOptions } from './listen-channel.js';
import { toStoreError } from './pg-errors.js';
import { nudgeLeader, tryLeadership, withLeaderLock, type Leadership, type LeadershipOptions, type NudgeKind } from './try-leadership.js';

export interface Coordination {
  /** The schema this store works in, as payloads on shared channels name it. */
  schema(): Promise<string>;
  /** Listens on a channel until closed, listening again when the connection drops. */
  listen(channel: string, options: ChannelListenerOptions): ChannelListener;
  /** Sends a payload to every node listening on the channel. */
  notify(channel: string, payload: string): Promise<void>;
  /** Events of every node's appends, in commit order. */
  events(options?: NotifierOptions): Promise<EventNotifier>;
  /** Becomes the leader of `key` if no live node is; null when another node leads. */
  tryLeadership(key: string, options?: LeadershipOptions): Promise<Leadership | null>;
  /** Wakes the leader of `key` (to act now, or to announce its news again). */
  nudgeLeader(key: string, kind?: NudgeKind): Promise<void>;
  /** Runs `fn` while holding the lock of `key` across nodes. */
  withLeaderLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Tells the followers of `key` a message. */
  announce(key: string, message: string, from: string): Promise<void>;
  /** Listens for what the leader of `key` announces. */
  followAnnouncements(key: string, options: AnnouncementListenerOptions): AnnouncementListener;
}

/**
 * `pool` runs statements; `held` gives the connections kept for as long as their holder
 * runs (a LISTEN, a leadership, a leader lock), so they never starve the statements.
 */
export function createCoordination(pool: Pool, held: Pool): Coordination {
  return {
    schema: async () => {
      try {
        const { rows } = await pool.query<{ schema: string }>(`SELECT COALESCE(current_schema(), '') AS schema`);
        return rows[0]?.schema ?? '';
      } catch (error) {
        throw toStoreError(error);
      }
    },
    listen: (channel, options) => listenChannel(held, channel, options),
    notify: (channel, payload) => notifyChannel(pool, channel, payload),
    events: (options) => createNotifier(pool, held, options),
    tryLeadership: (key, options) => tryLeadership(held, key, options),
    nudgeLeader: (key, kind) => nudgeLeader(pool, key, kind),
    withLeaderLock: (key, fn) => withLeaderLock(held, key, fn),
    announce: (key, message, from) => announceToFollowers(pool, key, message, from),
    followAnnouncements: (key, options) => listenForAnnouncements(held, key, options),
  };
}
