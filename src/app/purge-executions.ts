/**
 * Retention's loop, shared by the server's periodic purge and the purge use-case (CLI,
 * REST): ExecutionRepo.purgeFinished one bounded batch at a time, each its own transaction,
 * with a turn of the event loop between batches so commits and requests run in between.
 */
import type { FinishedStatus } from '../core/model.js';
import type { PurgeExecutionsResult } from '../core/wire.js';
import type { PurgeCursor, Store } from '../store/store.js';

/**
 * Finished executions one batch looks at, a transaction each (docs/performance.md, h-retention).
 * SQLite's batch is synchronous and holds the event loop through its commit's fsync: 50 of 20
 * events each took ~25 ms, 1000 ~330 ms. PostgreSQL's holds only the purged rows' locks, in
 * four statements a batch: 200 took ~24 ms.
 */
export const PURGE_BATCH = { sqlite: 50, postgres: 200 } as const;
/** Roots a purge's answer lists at most; its counts cover all. */
export const PURGE_ITEMS_MAX = 1000;

export interface PurgeRunOptions {
  /** ISO time: roots that finished before it go. */
  finished_before: string;
  statuses: readonly FinishedStatus[];
  dry_run: boolean;
  /** @default PURGE_BATCH of the store's backend */
  batch?: number;
  /** Stops between batches once aborted (what is deleted stays deleted). */
  signal?: AbortSignal;
  /** Told the ids of each batch's deleted executions (caches drop them). */
  on_deleted?: (ids: readonly string[]) => void;
}

/** A purge run's totals: the wire result's counts and items, and the batches it took. */
export type PurgeRunTotals = Omit<PurgeExecutionsResult, 'dry_run' | 'finished_before'> & { batches: number };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Deletes (or, dry, counts) every finished root older than `finished_before`, batch by batch. */
export async function runPurge(store: Store, options: PurgeRunOptions): Promise<PurgeRunTotals> {
  const totals: PurgeRunTotals = { executions: 0, sub_workflows: 0, events: 0, kept_unfinished: 0, items: [], truncated: false, batches: 0 };
  let after: PurgeCursor | null = null;
  do {
    if (options.signal?.aborted) break;
    const batch = await store.executions.purgeFinished({
      finished_before: options.finished_before,
      statuses: options.statuses,
      limit: options.batch ?? PURGE_BATCH[store.backend],
      after,
      dry_run: options.dry_run,
    });
    totals.batches += 1;
    if (batch.deleted_ids.length > 0) options.on_deleted?.(batch.deleted_ids);
    totals.kept_unfinished += batch.kept_unfinished;
    for (const tree of batch.trees) {
      totals.executions += 1;
      totals.sub_workflows += tree.descendants;
      totals.events += tree.events;
      if (totals.items.length < PURGE_ITEMS_MAX) {
        totals.items.push({ id: tree.id, workflow_ref: tree.workflow_ref, status: tree.status, finished_at: tree.finished_at, sub_workflows: tree.descendants, events: tree.events });
      } else totals.truncated = true;
    }
    after = batch.next;
    if (after !== null) await nextTurn();
  } while (after !== null);
  return totals;
}
