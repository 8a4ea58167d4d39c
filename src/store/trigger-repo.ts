/** The trigger part of the Store interface: fires (unique per trigger and scheduled time) and per-trigger state. */
import type { FireReason, FireStatus, TriggerFireRecord, TriggerStateRecord } from '../core/trigger-model.js';

/** A change to a fire, applied only while it is still as `expect` says (compare-and-set). */
export interface FirePatch {
  status: FireStatus;
  /** A skipped time a backfill takes up again becomes the backfill's. */
  reason?: FireReason;
  execution_id?: string | null;
  node_id?: string;
  detail?: string | null;
  updated_at: string;
}

export interface TriggerRepo {
  /**
   * Runs `fn` while no other node runs work under this trigger's lock (waits its turn), so
   * two nodes never decide fires of one trigger at once (overlap policies). PostgreSQL: a
   * session advisory lock, freed by itself when the node dies. Absent on SQLite: one engine
   * process holds the database.
   */
  exclusive?<T>(triggerId: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Records a fire; false when the trigger already has one at that scheduled time (or, for
   * an after-trigger, for that source execution): another node or an earlier run took it.
   * The unique keys are what make a fire happen once.
   */
  insertFire(fire: TriggerFireRecord): Promise<boolean>;
  /** Applies `patch` when the fire still has `expect.status` (and `expect.node_id`, `expect.updated_at` when given); false otherwise. */
  updateFire(
    triggerId: string,
    scheduledAt: string,
    patch: FirePatch,
    expect: { status: FireStatus; node_id?: string; updated_at?: string },
  ): Promise<boolean>;
  getFire(triggerId: string, scheduledAt: string): Promise<TriggerFireRecord | null>;
  /** The latest scheduled time fired by the schedule itself (reason schedule or catchup), or null. */
  lastScheduledAt(triggerId: string): Promise<string | null>;
  /** The trigger's fires, newest scheduled time first, skipping the newest `offset`. */
  listFires(triggerId: string, limit: number, offset?: number): Promise<TriggerFireRecord[]>;
  /** How many fires the trigger has recorded (a listing's total). */
  countFires(triggerId: string): Promise<number>;
  /**
   * The ids of the executions the trigger's fires started that have not ended (pending,
   * running or paused), oldest fire first: what the overlap policies look at. All of them,
   * however many fires came since (a fire skipped every second must not hide the one running).
   */
  unfinishedExecutions(triggerId: string): Promise<string[]>;
  /** Fires of any trigger with `status`, oldest scheduled time first; `updatedBefore` filters by updated_at. */
  listFiresByStatus(status: FireStatus, updatedBefore?: string): Promise<TriggerFireRecord[]>;
  /** An after-trigger's fire for one source execution, or null. */
  fireOfSource(triggerId: string, sourceExecutionId: string): Promise<TriggerFireRecord | null>;
  /** The fire that started an execution, or null when no trigger did. */
  fireOfExecution(executionId: string): Promise<TriggerFireRecord | null>;
  /** The trigger's state, created with `since` when it has none (of two racing creators one wins, both read it). */
  ensureState(triggerId: string, since: string): Promise<TriggerStateRecord>;
  getState(triggerId: string): Promise<TriggerStateRecord | null>;
  /** The states of several triggers in one read (a listing), by trigger id; triggers without one are absent. */
  getStates(triggerIds: readonly string[]): Promise<Map<string, TriggerStateRecord>>;
  /** Each trigger's fire with the latest scheduled time, in one read, by trigger id; triggers never fired are absent. */
  lastFires(triggerIds: readonly string[]): Promise<Map<string, TriggerFireRecord>>;
  /**
   * Moves the trigger's `since` on to `at` (never back; created at `at` when it has none):
   * a trigger back in its file after it was removed counts from then, like a resumed one.
   */
  advanceSince(triggerId: string, at: string): Promise<void>;
  /** Pauses or resumes; resuming moves `since` to `at`, so fires missed while paused are not caught up. */
  setPaused(triggerId: string, paused: boolean, note: string | null, at: string): Promise<TriggerStateRecord>;
}
