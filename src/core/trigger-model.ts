/**
 * Terminology of triggers:
 * - trigger id: `<workflow ref>/<trigger name>`, e.g. `ops.backup/nightly`; a schedule's id.
 * - fire: one scheduled time of one trigger, recorded once (the store's unique key on
 *   trigger id and scheduled time), with what came of it. A webhook fire's time is when the
 *   delivery came; an after-trigger's is when its source execution finished (unique, too,
 *   per source execution).
 */

/** Why a fire happened. */
export type FireReason = 'schedule' | 'catchup' | 'manual' | 'backfill' | 'webhook' | 'after';

/**
 * What came of a fire: `starting` (recorded, the execution not yet started — a node that
 * dies here leaves it to be taken over), `started`, `skipped` (overlap, or a buffered fire
 * dropped with its removed schedule: `detail` says which), `buffered` (waits
 * for the running execution), `failed` (the execution could not start, e.g. invalid input).
 */
export type FireStatus = 'starting' | 'started' | 'skipped' | 'buffered' | 'failed';

/** One fire of a trigger. Times are ISO 8601 UTC with milliseconds. */
export interface TriggerFireRecord {
  trigger_id: string;
  scheduled_at: string;
  reason: FireReason;
  status: FireStatus;
  execution_id: string | null;
  /** For an `after:` trigger: the execution whose end started it (unique per trigger). */
  source_execution_id: string | null;
  /** The node that recorded (or took over) the fire. */
  node_id: string;
  /** Why it failed or was skipped. */
  detail: string | null;
  created_at: string;
  updated_at: string;
}

/** What a trigger keeps between fires: paused or not, and since when it counts fires. */
export interface TriggerStateRecord {
  trigger_id: string;
  paused: boolean;
  /** Why it was paused (free text from the caller). */
  note: string | null;
  /** No scheduled time at or before this is fired (first seen, or last resumed). */
  since: string;
  updated_at: string;
}
