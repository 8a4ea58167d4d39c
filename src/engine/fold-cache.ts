/**
 * Folded states of executions this engine does not drive (finished ones, or ones another
 * node runs), kept so that reading an execution's status does not re-read and re-fold its
 * whole history each time: a hit costs nothing when the listing row's last_seq matches,
 * and only the newer events otherwise.
 */
import type { ExecutionRecord } from '../core/model.js';
import type { Store } from '../store/store.js';
import { fold, foldAll } from './fold.js';
import type { Plan } from './plan.js';
import type { ExecutionState } from './state.js';
import type { WorkflowCache } from './workflow-cache.js';
import { lowWater } from '../core/low-water.js';

/** A folded execution, for reading only. */
export interface FoldedExecution {
  plan: Plan;
  state: ExecutionState;
}

export interface FoldCache {
  /** The fold of the execution's history up to at least `record.last_seq`. */
  get(record: ExecutionRecord): Promise<FoldedExecution>;
  /** Keeps the state of an execution that just finished here (its runner is going away); false when it is too large to keep. */
  put(id: string, folded: FoldedExecution): boolean;
  /** Drops the states of executions that were deleted (retention). */
  forget(ids: readonly string[]): void;
}

/**
 * Creates the cache; it holds up to `maxTasks` task states in all, least recently read first
 * out: past `maxTasks` it drops the oldest until an eighth of it is free.
 */
export function createFoldCache(store: Store, workflows: WorkflowCache, maxTasks = 50_000): FoldCache {
  // A Map iterates in insertion order: re-inserting on each read makes it an LRU.
  const entries = new Map<string, FoldedExecution>();
  let tasks = 0;

  const sizeOf = (entry: FoldedExecution): number => entry.plan.order.length + 1;

  function remember(id: string, entry: FoldedExecution): boolean {
    const previous = entries.get(id);
    if (previous) {
      entries.delete(id);
      tasks -= sizeOf(previous);
    }
    if (sizeOf(entry) > maxTasks) return false;
    entries.set(id, entry);
    tasks += sizeOf(entry);
    if (tasks <= maxTasks) return true;
    // Down to the low-water mark in one pass (see lowWater): a pass per finished execution cost ~10 µs.
    const low = lowWater(maxTasks);
    for (const [oldest, old] of entries) {
      if (tasks <= low) break;
      entries.delete(oldest);
      tasks -= sizeOf(old);
    }
    return true;
  }

  return {
    async get(record) {
      const cached = entries.get(record.id);
      if (cached && cached.state.last_seq <= record.last_seq) {
        const from = cached.state.last_seq;
        if (from < record.last_seq) {
          const events = await store.executions.readEvents(record.id, from);
          // Two reads may race to extend the same state: fold only what follows it.
          for (const event of events) if (event.seq === cached.state.last_seq + 1) fold(cached.plan, cached.state, event);
        }
        remember(record.id, cached);
        return cached;
      }
      const wf = await workflows.byId(record.workflow_id);
      const events = await store.executions.readEvents(record.id);
      const entry: FoldedExecution = { plan: wf.plan, state: foldAll(wf.plan, record.id, wf.record.id, events) };
      remember(record.id, entry);
      return entry;
    },
    put(id, folded) {
      return remember(id, folded);
    },
    forget(ids) {
      for (const id of ids) {
        const entry = entries.get(id);
        if (entry === undefined) continue;
        entries.delete(id);
        tasks -= sizeOf(entry);
      }
    },
  };
}
