/**
 * The server's retention: with HARMONIA_EXECUTION_RETENTION set, one node at a time (a
 * leader on PostgreSQL, the node itself on SQLite) deletes the finished executions aged past
 * it, at start and then every HARMONIA_EXECUTION_PURGE_INTERVAL, in bounded batches
 * (src/app/purge-executions.ts). A pass that fails is logged and tried again at the next.
 */
import type { Logger } from 'pino';
import { runPurge } from '../app/purge-executions.js';
import type { ClusterNode } from '../cluster/index.js';
import { FINISHED_STATUSES } from '../core/model.js';
import type { Store } from '../store/store.js';

/** The advisory-lock key of the purge's leader. */
export const PURGE_LEADER_KEY = 'execution-purge';

export interface RetentionPurgeOptions {
  store: Store;
  node: ClusterNode;
  logger: Logger;
  retention_ms: number;
  interval_ms: number;
  /** @default Date.now */
  now?: () => number;
  /** Told after each pass (tests wait for one). */
  on_pass?: (deleted: number) => void;
}

export interface RetentionPurge {
  /** Settles after this node's first try to lead the purge: true when it led (and ran its first pass). */
  readonly first: Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts the periodic purge; nothing runs when retention is 0. */
export function startRetentionPurge(options: RetentionPurgeOptions): RetentionPurge {
  const { store, node, logger } = options;
  if (options.retention_ms <= 0) return { first: Promise.resolve(false), stop: async () => undefined };
  const now = options.now ?? Date.now;
  let passing: Promise<void> = Promise.resolve();
  const lead = node.lead(PURGE_LEADER_KEY, (signal) => {
    let timer: NodeJS.Timeout | null = null;
    const pass = async (): Promise<void> => {
      const finishedBefore = new Date(now() - options.retention_ms).toISOString();
      try {
        const totals = await runPurge(store, {
          finished_before: finishedBefore,
          statuses: FINISHED_STATUSES,
          dry_run: false,
          signal,
          on_deleted: (ids) => node.engine.forget(ids),
        });
        if (totals.executions > 0) {
          logger.info({ executions: totals.executions, sub_workflows: totals.sub_workflows, events: totals.events, finished_before: finishedBefore }, 'purged finished executions past retention');
        }
        options.on_pass?.(totals.executions);
      } catch (error) {
        logger.warn({ err: error }, 'execution purge failed; trying again at the next interval');
      }
      if (!signal.aborted) {
        timer = setTimeout(() => void (passing = pass()), options.interval_ms);
        // Only the server's socket keeps the process alive.
        timer.unref();
      }
    };
    signal.addEventListener('abort', () => timer !== null && clearTimeout(timer), { once: true });
    passing = pass();
    return passing;
  });
  return {
    first: lead.first,
    async stop() {
      await lead.stop();
      await passing;
    },
  };
}
