/**
 * Group commit: writes queued in the same turn of the event loop (the events of
 * many executions and tasks finishing close together) land in one transaction,
 * so one fsync pays for all of them.
 */
import type { ExecutionEvent, ExecutionRecord } from '../core/model.js';
import type { CommitSteps, Store, StoreSession } from '../store/store.js';

export type ExecutionPatch = Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>>;

export interface WriteBatch {
  events: ExecutionEvent[];
  /** The execution row's new projection. */
  projection?: { id: string; patch: ExecutionPatch };
  /**
   * The execution row this batch creates, inserted before anything else in the commit. Without
   * a claim, the batch's projection (merged with any later batch of the execution in the same
   * commit) is folded into it: one INSERT of the row as the step left it, not an INSERT and an
   * UPDATE of the same row (docs/performance.md, Eighth round). A claim reads the new row's
   * status (a finished execution is not claimable), so with one the row goes in as given and
   * the projection follows as an UPDATE.
   */
  creates?: ExecutionRecord;
  /** Writes that must precede the events (the new execution's custom state), after `creates`. */
  before?: (tx: StoreSession) => Promise<void>;
  /** Writes that go with the events (checkpoint snapshots). */
  after?: (tx: StoreSession) => Promise<void>;
  /**
   * With a fence: this batch makes the node the execution's owner, so it claims the lease
   * instead of checking it: `first` after `before` (an execution created or still pending),
   * `last` after the projection (a finished execution revived: claimable only once unfinished);
   * `none` for a finished execution nobody drives (a checkpoint of it): no lease to check,
   * and the (execution, seq) key still refuses a concurrent writer.
   */
  claim?: 'first' | 'last' | 'none';
  /**
   * Called when a flush takes the batch into its commit: until then its writer may still add
   * events to it and amend its projection (a runner's steps of one turn share one batch).
   */
  taken?: () => void;
}

/**
 * Who may write an execution's events, checked inside the transaction that writes them
 * (a cluster node's leases; the single-node engine has none).
 */
export interface WriteFence {
  /** Throws (STORE_CONFLICT) unless this node still holds every execution named. */
  check(tx: StoreSession, executionIds: readonly string[]): Promise<void>;
  /** Takes the lease of an execution written in this transaction; throws when another node holds it. */
  claim(tx: StoreSession, executionId: string): Promise<void>;
  /**
   * The transaction that claimed these executions has ended, committed or not. Until then
   * other sessions (the lease renewals) cannot see the claims, however long it stays open.
   */
  claimsEnded?(executionIds: readonly string[]): void;
  /** Gives the leases up in the transaction that finishes the executions (completed, failed or canceled). */
  finish(tx: StoreSession, executionIds: readonly string[]): Promise<void>;
  /**
   * The tokens a one-statement commit (ExecutionRepo.commitSteps) checks: with `require`,
   * throws as check does for an execution not held; without, leaves such executions out
   * (the leases finish gives up). Optional: without it every commit is a transaction.
   */
  tokens?(executionIds: readonly string[], require: boolean): Array<{ execution_id: string; token: number }>;
}

const FINISHED = new Set(['completed', 'failed', 'canceled']);
const ALL_OR_NOTHING = { all_or_nothing: true } as const;
/** A commit that creates executions (the API's starts): its fsync may leave the event loop. */
const CREATING = { all_or_nothing: true, sync_off_loop: true } as const;

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

/** The executions a fence must check: those with events or a projection, less those being claimed. */
function fencedIds(items: readonly Pending[]): string[] {
  const ids = new Set<string>();
  const claimed = new Set<string>();
  for (const { batch } of items) {
    if (batch.claim !== undefined && batch.projection) claimed.add(batch.projection.id);
    for (const event of batch.events) ids.add(event.execution_id);
    if (batch.projection) ids.add(batch.projection.id);
  }
  return [...ids].filter((id) => !claimed.has(id)).sort();
}

async function apply(tx: StoreSession, items: readonly Pending[], fence: WriteFence | undefined): Promise<void> {
  const projections = mergedProjections(items);
  for (const { batch } of items) {
    const row = batch.creates;
    if (row !== undefined) {
      const patch = batch.claim === undefined ? projections.get(row.id) : undefined;
      if (patch !== undefined) projections.delete(row.id);
      await tx.executions.createExecution(patch === undefined ? row : { ...row, ...patch });
    }
    if (batch.before) await batch.before(tx);
  }
  if (fence) {
    for (const { batch } of items) if (batch.claim === 'first' && batch.projection) await fence.claim(tx, batch.projection.id);
    const ids = fencedIds(items);
    if (ids.length > 0) await fence.check(tx, ids);
  }
  const events = items.length === 1 ? (items[0] as Pending).batch.events : items.flatMap((item) => item.batch.events);
  if (events.length > 0) await tx.executions.appendEvents(events);
  if (projections.size > 1 && tx.executions.updateExecutions) {
    await tx.executions.updateExecutions([...projections].map(([id, patch]) => ({ id, patch })));
  } else {
    for (const [id, patch] of projections) await tx.executions.updateExecution(id, patch);
  }
  if (fence) {
    // After the projection: a revived execution is claimable only once it is unfinished again.
    for (const { batch } of items) if (batch.claim === 'last' && batch.projection) await fence.claim(tx, batch.projection.id);
    const finished = [...projections].filter(([, patch]) => patch.status !== undefined && FINISHED.has(patch.status)).map(([id]) => id);
    if (finished.length > 0) await fence.finish(tx, finished);
  }
  for (const item of items) if (item.batch.after) await item.batch.after(tx);
}

/** Projections merged per execution, in the order first written. */
function mergedProjections(items: readonly Pending[]): Map<string, ExecutionPatch> {
  const projections = new Map<string, ExecutionPatch>();
  for (const item of items) {
    const projection = item.batch.projection;
    if (!projection) continue;
    const earlier = projections.get(projection.id);
    // A batch's patch is its own (the runner builds one per step): the first is taken as it is.
    projections.set(projection.id, earlier === undefined ? projection.patch : { ...earlier, ...projection.patch });
  }
  return projections;
}

/**
 * The batches as one statement's worth (ExecutionRepo.commitSteps), or null when they need
 * a transaction: hooks that write other rows, or a lease being claimed.
 */
function oneStatement(store: Store, items: readonly Pending[], fence: WriteFence | undefined): CommitSteps | null {
  if (!store.executions.commitSteps || (fence && !fence.tokens)) return null;
  for (const { batch } of items) if (batch.creates || batch.before || batch.after || batch.claim !== undefined) return null;
  const events = items.length === 1 ? (items[0] as Pending).batch.events : items.flatMap((item) => item.batch.events);
  const projections = mergedProjections(items);
  const finished = [...projections].filter(([, patch]) => patch.status !== undefined && FINISHED.has(patch.status)).map(([id]) => id);
  return {
    events,
    updates: [...projections].map(([id, patch]) => ({ id, patch })),
    fenced: fence?.tokens ? fence.tokens(fencedIds(items), true) : [],
    released: fence?.tokens && finished.length > 0 ? fence.tokens(finished, false) : [],
  };
}

/**
 * Commits the batches: as one write where the store offers it (ExecutionRepo.commitSteps:
 * one statement on PostgreSQL, one synchronous transaction on SQLite), else in one
 * transaction of awaited calls.
 */
async function commit(store: Store, items: readonly Pending[], fence: WriteFence | undefined): Promise<void> {
  const steps = oneStatement(store, items, fence);
  if (steps && store.executions.commitSteps) await store.executions.commitSteps(steps);
  else {
    try {
      // Any failed write sinks the whole transaction (and is retried alone by the caller), so no savepoints.
      await store.transaction((tx) => apply(tx, items, fence), items.some(({ batch }) => batch.creates !== undefined || batch.before !== undefined) ? CREATING : ALL_OR_NOTHING);
    } finally {
      if (fence?.claimsEnded) fence.claimsEnded(claimedIds(items));
    }
  }
}

/** The executions whose batches claim a lease. */
function claimedIds(items: readonly Pending[]): string[] {
  const ids: string[] = [];
  for (const { batch } of items) if (batch.claim !== undefined && batch.claim !== 'none' && batch.projection) ids.push(batch.projection.id);
  return ids;
}

/** Whether the batches can only go as a transaction (see oneStatement), without asking the fence for tokens. */
function needsTransaction(store: Store, items: readonly Pending[], fence: WriteFence | undefined): boolean {
  if (!store.executions.commitSteps || (fence && !fence.tokens)) return true;
  return items.some(({ batch }) => batch.creates !== undefined || batch.before !== undefined || batch.after !== undefined || batch.claim !== undefined);
}

/** The executions a batch writes, each once in a run (a runner's batch holds one execution's events). */
function executionsOf(batch: WriteBatch): string[] {
  const ids: string[] = [];
  const events = batch.events;
  let last: string | undefined;
  for (let index = 0; index < events.length; index += 1) {
    const id = (events[index] as ExecutionEvent).execution_id;
    if (id === last) continue;
    last = id;
    ids.push(id);
  }
  if (batch.projection && batch.projection.id !== last) ids.push(batch.projection.id);
  return ids;
}

/**
 * How many one-statement commits may be at the database at once. With one, the node sat
 * idle while its commit was at the database, then the database while the node reacted to
 * it (measured on PostgreSQL: the two alternated). With two, and the callers of a large
 * commit resumed in two halves, the commit of what the first half wrote leaves while the
 * node still works through the second. Only PostgreSQL gets more than one: SQLite's
 * one-write commits run on this thread, so there is nothing to overlap.
 */
const PIPELINED_FLIGHTS = 2;
/**
 * The fewest batches a commit must carry to leave while another is in flight, and to have
 * its callers resumed in two halves: each commit costs the database a fixed amount
 * whatever it holds, and without a floor the pipeline settled into hundreds of commits of
 * a few batches each (816 against 25 for 10,000 tasks).
 */
const OVERLAP_FLOOR = 64;

/**
 * Creates the queue; `schedule` decides when a flush runs (setImmediate: after pending I/O
 * callbacks); `fence`, when given, guards every transaction.
 *
 * Order: the batches of one execution commit in the order written, as with one commit at
 * a time: a batch waits while an earlier one of its execution is in flight, and goes only
 * once that one has committed or failed. Commits in flight together hold disjoint
 * executions; a transaction (a claim, a created row, a checkpoint) runs alone.
 */
export function createWriteQueue(store: Store, schedule: (fn: () => void) => void = setImmediate, fence?: WriteFence): WriteQueue {
  const maxFlights = store.executions.commitSteps && store.backend !== 'sqlite' ? PIPELINED_FLIGHTS : 1;
  let pending: Pending[] = [];
  let scheduled = false;
  /** Commits at the database. */
  let flights = 0;
  /** A transaction is in flight: nothing else goes until it is settled. */
  let exclusive = false;
  /** Executions with a batch in flight. */
  const busy = new Set<string>();
  /** Every flush until its callers are resumed (for drain). */
  const running = new Set<Promise<void>>();

  /** Commits the items, calls `landed` once the database is done with them, then resumes their callers. */
  const settle = async (items: readonly Pending[], landed: () => void): Promise<void> => {
    try {
      await commit(store, items, fence);
    } catch (error) {
      if (items.length === 1) {
        landed();
        (items[0] as Pending).reject(error);
        return;
      }
      // one bad batch must not sink the others: retry each alone
      for (const item of items) {
        try {
          await commit(store, [item], fence);
          item.resolve();
        } catch (single) {
          item.reject(single);
        }
      }
      landed();
      return;
    }
    landed();
    if (maxFlights === 1 || items.length < 2 * OVERLAP_FLOOR) {
      for (let index = 0; index < items.length; index += 1) (items[index] as Pending).resolve();
      return;
    }
    // Resumed in two halves: what the first writes can leave while the second reacts.
    const half = Math.ceil(items.length / 2);
    for (const item of items.slice(0, half)) item.resolve();
    await new Promise<void>((resolve) => schedule(resolve));
    for (const item of items.slice(half)) item.resolve();
  };

  const flush = (items: readonly Pending[], ids: ReadonlySet<string>, alone: boolean): Promise<void> => {
    flights += 1;
    if (alone) exclusive = true;
    for (const id of ids) busy.add(id);
    return settle(items, () => {
      flights -= 1;
      if (alone) exclusive = false;
      for (const id of ids) busy.delete(id);
      kick();
    });
  };

  const launch = (): void => {
    scheduled = false;
    if (exclusive || flights >= maxFlights || pending.length === 0) return;
    let taken: Pending[] = [];
    const kept: Pending[] = [];
    const ids = new Set<string>();
    if (busy.size === 0) {
      // Nothing in flight (always so with one flight, SQLite's case): every batch goes.
      taken = pending;
      for (let index = 0; index < taken.length; index += 1) {
        const own = executionsOf((taken[index] as Pending).batch);
        for (let at = 0; at < own.length; at += 1) ids.add(own[at] as string);
      }
    } else {
      const blocked = new Set(busy);
      for (const item of pending) {
        const own = executionsOf(item.batch);
        if (own.some((id) => blocked.has(id))) {
          kept.push(item);
          for (const id of own) blocked.add(id);
        } else {
          taken.push(item);
          for (const id of own) ids.add(id);
        }
      }
    }
    if (taken.length === 0) return;
    const alone = needsTransaction(store, taken, fence);
    if (flights > 0 && (alone || taken.length < OVERLAP_FLOOR)) return;
    pending = kept;
    for (let index = 0; index < taken.length; index += 1) (taken[index] as Pending).batch.taken?.();
    const run = flush(taken, ids, alone);
    running.add(run);
    void run.finally(() => running.delete(run));
  };

  const kick = (): void => {
    if (scheduled || exclusive || flights >= maxFlights || pending.length === 0) return;
    scheduled = true;
    schedule(launch);
  };

  return {
    write(batch) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ batch, resolve, reject });
        kick();
      });
    },
    async drain() {
      while (running.size > 0 || scheduled || pending.length > 0) {
        if (running.size > 0) await Promise.allSettled(running);
        else await new Promise<void>((resolve) => schedule(resolve));
      }
    },
  };
}
