import type { Pool } from 'pg';
import type { EngineLogger } from '../engine/runner.js';
import { tryLeadership, type Leadership } from '../store/postgres/try-leadership.js';

/** Work that runs on one node at a time, started by `ClusterNode.lead`. */
export interface LeaderTask {
  /** Whether this node is running the work now. */
  isLeader(): boolean;
  /** Stops the work here (its signal aborts) and gives leadership up. */
  stop(): Promise<void>;
}

/** What the leader's work gets: aborted when leadership is lost or the task stopped. */
export type LeaderWork = (signal: AbortSignal) => void | Promise<void>;

/**
 * Runs `work` whenever this node holds the advisory lock for `key`; tries again every
 * `retry_ms` while another node holds it, and after losing it (a dropped connection).
 */
export function leadOnPostgres(pool: Pool, key: string, work: LeaderWork, retryMs: number, logger: EngineLogger): LeaderTask {
  let stopped = false;
  let held: Leadership | null = null;
  let timer: NodeJS.Timeout | null = null;

  const later = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void attempt(), retryMs);
    timer.unref();
  };

  async function attempt(): Promise<void> {
    timer = null;
    if (stopped) return;
    let won: Leadership | null;
    try {
      won = await tryLeadership(pool, key);
    } catch (error) {
      logger.warn('could not try for leadership', { key, error: String(error) });
      later();
      return;
    }
    if (won === null) return later();
    if (stopped) return won.release();
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
  }

  void attempt();
  return {
    isLeader: () => held !== null,
    async stop() {
      stopped = true;
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
  Promise.resolve()
    .then(() => work(controller.signal))
    .catch((error: unknown) => logger.error('leader work failed', { key, error: String(error) }));
  return {
    isLeader: () => !controller.signal.aborted,
    stop: async () => controller.abort(new Error(`leadership of '${key}' released`)),
  };
}
