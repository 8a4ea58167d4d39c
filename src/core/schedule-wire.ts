/** Schedules as the REST API, the SDK and the CLI show them (shared by server and client). */
import type { OverlapPolicy } from './model.js';
import type { TriggerFireRecord } from './trigger-model.js';

/** A schedule: where it is declared, how it fires, whether it is paused, and when it fires next. */
export interface ScheduleView {
  /** `<workflow ref>/<trigger name>`. */
  id: string;
  workflow_ref: string;
  name: string;
  /** The workflow version the schedule is read from. */
  workflow_version: number;
  cron: string | null;
  every_ms: number | null;
  timezone: string;
  overlap: OverlapPolicy;
  catchup_window_ms: number;
  jitter_ms: number;
  start_at: string | null;
  end_at: string | null;
  enabled: boolean;
  input: Record<string, unknown>;
  paused: boolean;
  /** Why it was paused. */
  note: string | null;
  /** The next scheduled times (five on show, one in a list); empty when disabled, paused or past end_at. */
  next_fire_times: string[];
  last_fire: TriggerFireRecord | null;
  /** What the scheduler does differently from the registered definition, and why (empty when nothing). */
  warnings: ScheduleWarning[];
}

/**
 * A registered schedule a newer rule forbids, and what the scheduler does with it instead
 * (an `every` under a second fires once a second). Syncing its file fails validation until fixed.
 */
export interface ScheduleWarning {
  code: 'TRIGGER_INTERVAL_TOO_SHORT';
  message: string;
}

/** GET /api/v1/schedules/{workflow}/{name}: the schedule and its most recent fires. */
export interface ScheduleDetail extends ScheduleView {
  recent_fires: TriggerFireRecord[];
}

/** POST .../backfill: what each scheduled time of the range became. */
export interface BackfillResult {
  schedule_id: string;
  fires: TriggerFireRecord[];
  /** Times of the range already fired before (not fired again). */
  already_fired: string[];
  /**
   * Times of the range the overlap policy skipped (an execution of the schedule still ran):
   * among `fires` with status skipped and why in their detail. They did not run; a later
   * backfill of the range runs them.
   */
  skipped: string[];
}
