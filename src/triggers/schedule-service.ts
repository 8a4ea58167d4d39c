/**
 * Schedules as objects: list, show (next five fire times), pause and resume, trigger now
 * and backfill. One use-case layer for REST, the local CLI and, through the SDK, the remote one.
 */
import { HarmoniaError } from '../core/errors.js';
import { isoInstant, isoInstantProblem, ISO_INSTANT_HINT } from '../core/iso-instant.js';
import type { OverlapPolicy, WorkflowDef } from '../core/model.js';
import type { Paginated } from '../core/wire.js';
import type { BackfillResult, ScheduleDetail, ScheduleView } from '../core/schedule-wire.js';
import type { TriggerFireRecord, TriggerStateRecord } from '../core/trigger-model.js';
import { createSystemClock, type Clock } from '../engine/clock.js';
import type { Store } from '../store/store.js';
import { createFireRunner, type TriggerEngine } from './fire-runner.js';
import { scheduleTimes } from './schedule-times.js';
import { loadSchedules, triggerIdOf, type ScheduleEntry } from './trigger-catalogue.js';

/** Most scheduled times one backfill request may fire. */
export const MAX_BACKFILL = 1000;

export interface ScheduleServiceOptions {
  store: Store;
  engine: TriggerEngine;
  /** @default the system clock */
  clock?: Clock;
  /** Names the caller's node in the fires it records. @default 'api' */
  node_id?: string;
}

export interface BackfillOptions {
  /** ISO times; scheduled times in [from, to] are fired. */
  from: string;
  to: string;
  /** @default the schedule's own policy */
  overlap?: OverlapPolicy;
}

/** The schedule use-cases: see createScheduleService(). */
export interface ScheduleService {
  /** Every schedule, or those of one workflow ref. */
  list(workflowRef?: string): Promise<ScheduleView[]>;
  /** Thrown when there is no such schedule: SCHEDULE_NOT_FOUND. */
  get(workflowRef: string, name: string): Promise<ScheduleDetail>;
  pause(workflowRef: string, name: string, note?: string): Promise<ScheduleView>;
  /** Resumes; times missed while paused are not caught up. */
  resume(workflowRef: string, name: string): Promise<ScheduleView>;
  /** Fires now (reason manual) under the overlap policy (or `overlap`); returns the fire. */
  trigger(workflowRef: string, name: string, overlap?: OverlapPolicy): Promise<TriggerFireRecord>;
  /** Thrown when the range is not two times in order or holds too many times: SCHEDULE_RANGE_INVALID. */
  backfill(workflowRef: string, name: string, options: BackfillOptions): Promise<BackfillResult>;
  /**
   * A page of the fires of any trigger the active workflow declares (schedule, webhook or
   * after), newest first. Thrown when it declares no such trigger: TRIGGER_NOT_FOUND.
   */
  fires(workflowRef: string, name: string, page: { limit: number; offset: number }): Promise<Paginated<TriggerFireRecord>>;
}

/** Creates the schedule service over a store and an engine. */
export function createScheduleService(options: ScheduleServiceOptions): ScheduleService {
  const { store } = options;
  const clock = options.clock ?? createSystemClock();
  const runner = createFireRunner({ store, engine: options.engine, clock, node_id: options.node_id ?? 'api' });

  const find = async (workflowRef: string, name: string): Promise<ScheduleEntry> => {
    const id = triggerIdOf(workflowRef, name);
    const entry = (await loadSchedules(store.registry)).find((e) => e.id === id);
    if (!entry) throw new HarmoniaError('SCHEDULE_NOT_FOUND', `no schedule '${name}' on workflow '${workflowRef}'`, { details: { schedule_id: id } });
    return entry;
  };

  const view = async (entry: ScheduleEntry, upcoming: number): Promise<ScheduleView> => {
    const state = await store.triggers.getState(entry.id);
    const [last] = await store.triggers.listFires(entry.id, 1);
    return viewOf(entry, upcoming, state, last);
  };

  const viewOf = (entry: ScheduleEntry, upcoming: number, state: TriggerStateRecord | null, last: TriggerFireRecord | undefined): ScheduleView => {
    const { schedule } = entry;
    const paused = state?.paused ?? false;
    const next = schedule.enabled && !paused ? scheduleTimes(schedule, clock.now(), upcoming) : [];
    return {
      id: entry.id,
      workflow_ref: entry.workflow_ref,
      name: entry.name,
      workflow_version: entry.workflow_version,
      cron: schedule.cron ?? null,
      every_ms: schedule.every_ms ?? null,
      timezone: schedule.timezone,
      overlap: schedule.overlap,
      catchup_window_ms: schedule.catchup_window_ms,
      jitter_ms: schedule.jitter_ms,
      start_at: schedule.start_at ?? null,
      end_at: schedule.end_at ?? null,
      enabled: schedule.enabled,
      input: schedule.input,
      paused,
      note: state?.note ?? null,
      next_fire_times: next.map((t) => new Date(t).toISOString()),
      last_fire: last ?? null,
      warnings: entry.warnings,
    };
  };

  const withOverlap = (entry: ScheduleEntry, overlap: OverlapPolicy | undefined): ScheduleEntry =>
    overlap === undefined ? entry : { ...entry, schedule: { ...entry.schedule, overlap } };

  const parseTime = (text: string, what: string): number => {
    const at = isoInstant(text);
    if (at === null) {
      const problem = isoInstantProblem(text) ?? 'is not a time';
      // A day the month lacks is well written otherwise: the hint on offsets would mislead.
      const hint = problem.startsWith('is not') ? `; ${ISO_INSTANT_HINT}` : '';
      throw new HarmoniaError('SCHEDULE_RANGE_INVALID', `${what} '${text.slice(0, 100)}' ${problem}${hint}`);
    }
    return at;
  };

  return {
    async list(workflowRef) {
      const all = await loadSchedules(store.registry);
      // Filtered before the states and fires are read: a workflow's page reads only its own.
      const entries = workflowRef === undefined ? all : all.filter((entry) => entry.workflow_ref === workflowRef);
      // Two reads for every schedule at once, not two per schedule.
      const ids = entries.map((entry) => entry.id);
      const [states, fires] = await Promise.all([store.triggers.getStates(ids), store.triggers.lastFires(ids)]);
      return entries.map((entry) => viewOf(entry, 1, states.get(entry.id) ?? null, fires.get(entry.id)));
    },
    async get(workflowRef, name) {
      const entry = await find(workflowRef, name);
      return { ...(await view(entry, 5)), recent_fires: await store.triggers.listFires(entry.id, 10) };
    },
    async pause(workflowRef, name, note) {
      const entry = await find(workflowRef, name);
      await store.triggers.setPaused(entry.id, true, note ?? null, new Date(clock.now()).toISOString());
      return view(entry, 1);
    },
    async resume(workflowRef, name) {
      const entry = await find(workflowRef, name);
      await store.triggers.setPaused(entry.id, false, null, new Date(clock.now()).toISOString());
      return view(entry, 1);
    },
    async trigger(workflowRef, name, overlap) {
      const entry = withOverlap(await find(workflowRef, name), overlap);
      // Manual fires in one millisecond get distinct keys (fire-key.ts); a key drawn twice draws again.
      for (;;) {
        const fire = await runner.fire(entry, clock.now(), 'manual');
        if (fire) return fire;
      }
    },
    async backfill(workflowRef, name, options) {
      const entry = withOverlap(await find(workflowRef, name), options.overlap);
      const from = parseTime(options.from, 'from');
      const to = parseTime(options.to, 'to');
      if (to < from) throw new HarmoniaError('SCHEDULE_RANGE_INVALID', `backfill range ends (${options.to}) before it starts (${options.from})`);
      const times = scheduleTimes(entry.schedule, from - 1, MAX_BACKFILL + 1, to);
      // A time to come, fired now, would take its own key: the schedule would find it fired
      // when it comes and start nothing then (Airflow refuses future backfills too).
      const now = clock.now();
      const coming = times.find((t) => t > now);
      if (coming !== undefined) {
        const first = new Date(coming).toISOString();
        throw new HarmoniaError(
          'SCHEDULE_RANGE_INVALID',
          `backfill range holds times still to come (the first, ${first}, is after now, ${new Date(now).toISOString()}); they fire on their own: end the range at or before now`,
          { details: { first_to_come: first } },
        );
      }
      if (times.length > MAX_BACKFILL) {
        throw new HarmoniaError('SCHEDULE_RANGE_INVALID', `backfill range holds more than ${MAX_BACKFILL} scheduled times; split it`, { details: { max: MAX_BACKFILL } });
      }
      const fires: TriggerFireRecord[] = [];
      const already: string[] = [];
      for (const at of times) {
        const fire = await runner.fire(entry, at, 'backfill');
        if (fire) fires.push(fire);
        else already.push(new Date(at).toISOString());
      }
      const skipped = fires.filter((fire) => fire.status === 'skipped').map((fire) => fire.scheduled_at);
      return { schedule_id: entry.id, fires, already_fired: already, skipped };
    },
    async fires(workflowRef, name, page) {
      const id = triggerIdOf(workflowRef, name);
      const record = await store.registry.getActive('workflow', workflowRef);
      const declared = record !== null && (record.body as WorkflowDef).triggers?.[name] !== undefined;
      const [items, total] = await Promise.all([store.triggers.listFires(id, page.limit, page.offset), store.triggers.countFires(id)]);
      // A trigger removed from its file keeps its history: how its last fires ended (a buffered
      // one dropped with it, say) stays there to be read. One that never fired is unknown.
      if (!declared && total === 0) {
        throw new HarmoniaError('TRIGGER_NOT_FOUND', `no trigger '${name}' on workflow '${workflowRef}'`, { details: { trigger_id: id } });
      }
      return { items, total, ...page };
    },
  };
}
