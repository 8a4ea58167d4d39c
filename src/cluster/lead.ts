import { randomUUID } from 'node:crypto';
import type { EngineLogger } from '../engine/runner.js';
import type { Coordination } from '../store/postgres/coordination.js';
import type { AnnouncementListener } from '../store/postgres/leader-announcements.js';
import type { Leadership, LeadershipOptions } from '../store/postgres/try-leadership.js';

/** Work that runs on one node at a time, started by `ClusterNode.lead`. */
export interface LeaderTask {
  /** Whether this node is running the work now. */
  isLeader(): boolean;
  /** Stops the work here (its signal aborts) and gives leadership up. */
  stop(): Promise<void>;
  /**
   * Settles after the first try for leadership: true once `work` returned (or threw) on
   * this node, false when another node led then. Lets a caller wait for the first run
   * of the work (the first git sync) before it serves.
   */
  readonly first: Promise<boolean>;
  /**
   * On the leader: tells every node that follows this key (their `on_announce` runs), and
   * repeats it to a follower that asks later (one that starts or reconnects). Elsewhere,
   * and on a single node, it does nothing.
   */
  announce(message: string): Promise<void>;
}

/** Options of ClusterNode.lead. */
export interface LeadOptions extends Pick<LeadershipOptions, 'on_nudge'> {
  /**
   * Called on this node, while another node leads the key, with each announcement of the
   * leader. Given it, the node listens for announcements (one connection, besides its
   * statement pool) and asks the leader for its last one whenever it starts listening or
   * stops leading.
   */
  on_announce?: (message: string) => void;
}

/** What the leader's work gets: aborted when leadership is lost or the task stopped. */
export type LeaderWork = (signal: AbortSignal) => void | Promise<void>;

/**
 * Runs `work` whenever this node holds the advisory lock for `key`; tries again every
 * `retry_ms` while another node holds it, and after losing it (a dropped connection).
 */
export function leadOnPostgres(
  coordination: Coordination,
  key: string,
  work: LeaderWork,
  retryMs: number,
  logger: EngineLogger,
  options: LeadOptions = {},
): LeaderTask {
  let stopped = false;
  let settleFirst: ((led: boolean) => void) | null = null;
  const first = new Promise<boolean>((resolve) => (settleFirst = resolve));
  const settle = (led: boolean): void => {
    settleFirst?.(led);
    settleFirst = null;
  };
  let held: Leadership | null = null;
  let timer: NodeJS.Timeout | null = null;
  const self = randomUUID();
  let lastAnnounced: string | null = null;
  const tell = (message: string): Promise<void> => coordination.announce(key, message, self);
  const ask = (): void => {
    if (stopped || held !== null) return;
    coordination.nudgeLeader(key, 'ask').catch((error: unknown) => logger.warn('could not ask the leader for news', { key, error: String(error) }));
  };
  const onAnnounce = options.on_announce;
  const leadership: LeadershipOptions = {
    ...(options.on_nudge ? { on_nudge: options.on_nudge } : {}),
    ...(onAnnounce
      ? {
          on_ask: () => {
            if (held === null || lastAnnounced === null) return;
            tell(lastAnnounced).catch((error: unknown) => logger.warn('could not repeat an announcement', { key, error: String(error) }));
          },
        }
      : {}),
  };
  const listener: AnnouncementListener | null = onAnnounce
    ? coordination.followAnnouncements(key, {
        on_message: (message, from) => {
          if (from !== self && held === null && !stopped) onAnnounce(message);
        },
        on_listening: ask,
        on_error: (error) => logger.warn('announcements interrupted', { key, error: error.message }),
      })
    : null;

  const later = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void attempt(), retryMs);
    timer.unref();
  };

  async function attempt(): Promise<void> {
    timer = null;
    if (stopped) return settle(false);
    let won: Leadership | null;
    try {
      won = await coordination.tryLeadership(key, leadership);
    } catch (error) {
      logger.warn('could not try for leadership', { key, error: String(error) });
      settle(false);
      later();
      return;
    }
    if (won === null) {
      settle(false);
      return later();
    }
    if (stopped) {
      settle(false);
      return won.release();
    }
    held = won;
    lastAnnounced = null;
    logger.info('leading', { key });
    won.signal.addEventListener(
      'abort',
      () => {
        if (held === won) held = null;
        if (!stopped) {
          logger.warn('leadership lost', { key });
          // Following again: whoever leads now has news this node missed while it led.
          ask();
          later();
        }
      },
      { once: true },
    );
    try {
      await work(won.signal);
    } catch (error) {
      logger.error('leader work failed', { key, error: String(error) });
    }
    settle(true);
  }

  void attempt();
  return {
    first,
    isLeader: () => held !== null,
    async announce(message) {
      if (held === null) return;
      lastAnnounced = message;
      await tell(message);
    },
    async stop() {
      stopped = true;
      settle(false);
      if (timer) clearTimeout(timer);
      const current = held;
      held = null;
      await Promise.all([current?.release(), listener?.close()]);
    },
  };
}

/** One node alone (SQLite) always leads. */
export function leadAlone(key: string, work: LeaderWork, logger: EngineLogger): LeaderTask {
  const controller = new AbortController();
  const first = Promise.resolve()
    .then(() => work(controller.signal))
    .catch((error: unknown) => logger.error('leader work failed', { key, error: String(error) }))
    .then(() => true);
  return {
    first,
    isLeader: () => !controller.signal.aborted,
    // Nobody follows a node alone.
    announce: async () => undefined,
    stop: async () => controller.abort(new Error(`leadership of '${key}' released`)),
  };
}
