/**
 * Group commit: writes queued in the same turn of the event loop (the events of
 * many executions and tasks finishing close together) land in one transaction,
 * so one fsync pays for all of them.
 */
import type { ExecutionEvent, ExecutionRecord } from '../core/model.js';
import type { Store, StoreSession } from '../store/store.js';

export type ExecutionPatch = Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>>;

export interface WriteBatch {
  events: ExecutionEvent[];
  /** The execution row's new projection. */
  projection?: { id: string; patch: ExecutionPatch };
  /** Writes that must precede the events (creating the execution row). */
  before?: (tx: StoreSession) => Promise<void>;
  /** Writes that go with the events (checkpoint snapshots). */
  after?: (tx: StoreSession) => Promise<void>;
}

export interface WriteQueue {
  /** Resolves once the batch is committed. */
  write(batch: WriteBatch): Promise<void>;
  /** Resolves when everything queued so far is committed (or failed). */
  drain(): Promise<void>;
}

interface Pending {
  batch: WriteBatch;
  resolve: () => void;
  reject: (error: unknown) => void;
}

async function apply(tx: StoreSession, items: readonly Pending[]): Promise<void> {
  for (const item of items) if (item.batch.before) await item.batch.before(tx);
  const events = items.length === 1 ? (items[0] as Pending).batch.events : items.flatMap((item) => item.batch.events);
  if (events.length > 0) await tx.executions.appendEvents(events);
  const projections = new Map<string, ExecutionPatch>();
  for (const item of items) {
    const projection = item.batch.projection;
    if (projection) projections.set(projection.id, { ...projections.get(projection.id), ...projection.patch });
  }
  for (const [id, patch] of projections) await tx.executions.updateExecution(id, patch);
  for (const item of items) if (item.batch.after) await item.batch.after(tx);
}

/** Creates the queue; `schedule` decides when a flush runs (setImmediate: after pending I/O callbacks). */
export function createWriteQueue(store: Store, schedule: (fn: () => void) => void = setImmediate): WriteQueue {
  let pending: Pending[] = [];
  let scheduled = false;
  let flushing: Promise<void> | null = null;

  const flush = async (): Promise<void> => {
    scheduled = false;
    const items = pending;
    pending = [];
    try {
      await store.transaction((tx) => apply(tx, items));
      for (const item of items) item.resolve();
    } catch (error) {
      if (items.length === 1) (items[0] as Pending).reject(error);
      else {
        // one bad batch must not sink the others: retry each alone
        for (const item of items) {
          try {
            await store.transaction((tx) => apply(tx, [item]));
            item.resolve();
          } catch (single) {
            item.reject(single);
          }
        }
      }
    }
  };

  const kick = (): void => {
    if (scheduled || flushing || pending.length === 0) return;
    scheduled = true;
    schedule(() => {
      flushing = flush().finally(() => {
        flushing = null;
        kick();
      });
    });
  };

  return {
    write(batch) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ batch, resolve, reject });
        kick();
      });
    },
    async drain() {
      while (flushing || scheduled || pending.length > 0) {
        if (flushing) await flushing;
        else await new Promise<void>((resolve) => schedule(resolve));
      }
    },
  };
}
