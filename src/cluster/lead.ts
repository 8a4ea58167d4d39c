import type { Pool } from 'pg';
import type { EngineLogger } from '../engine/runner.js';
import { tryLeadership, type Leadership, type LeadershipOptions } from '../store/postgres/try-leadership.js';

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
}

/** Options of ClusterNode.lead. */
export type LeadOptions = LeadershipOptions;

/** What the leader's work gets: aborted when leadership is lost or the task stopped. */
export type LeaderWork = (signal: AbortSignal) => void | Promise<void>;

/**
 * Runs `work` whenever this node holds the advisory lock for `key`; tries again every
 * `retry_ms` while another node holds it, and after losing it (a dropped connection).
 */
export function leadOnPostgres(
  pool: Pool,
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
      won = await tryLeadership(pool, key, options);
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
    logger.info('leading', { key });
    won.signal.addEventListener(
      'abort',
      () => {
        if (held === won) held = null;
        if (!stopped) {
          logger.warn('leadership lost', { key });
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
    async stop() {
      stopped = true;
      settle(false);
      if (timer) clearTimeout(timer);
      const current = held;
      held = null;
      await current?.release();
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
    stop: async () => controller.abort(new Error(`leadership of '${key}' released`)),
  };
}
