/**
 * The scheduler of one node: re-reads the registry's schedules, fires every scheduled
 * time that is due (missed ones within the catch-up window once, after a restart), drains
 * buffered fires and takes over fires a dead node left half done. Every node may run one:
 * the store's unique key on (trigger, scheduled time) lets exactly one of them fire it.
 */
import type { ScheduleWarning } from '../core/schedule-wire.js';
import type { TriggerFireRecord, TriggerStateRecord } from '../core/trigger-model.js';
import { createSystemClock, type Clock } from '../engine/clock.js';
import type { Store } from '../store/store.js';
import { createAfterWatcher, loadAfterTriggers, type AfterEntry } from './after-triggers.js';
import { createFireRunner, type TriggerEngine } from './fire-runner.js';
import { settleAbandonedDeliveries } from './receive-webhook.js';
import { jitterOf, scheduleTimes } from './schedule-times.js';
import { loadSchedules, type ScheduleEntry } from './trigger-catalogue.js';

export interface SchedulerOptions {
  store: Store;
  engine: TriggerEngine;
  /** Names this node in the fires it records. */
  node_id: string;
  /** @default the system clock */
  clock?: Clock;
  /** How often the registry is re-read, so a synced change takes effect. @default 1000 */
  reload_ms?: number;
  /** A fire another node recorded but left unsettled this long is taken over (that node died). @default 30000 */
  orphan_after_ms?: number;
  /** Executions in a row after-triggers may start (see AfterWatcherOptions.max_after_chain). @default 10 */
  max_after_chain?: number;
  /** Told every settled fire (started, skipped, buffered, failed). */
  on_fire?: (fire: TriggerFireRecord) => void;
  /** Told a pass that failed (the store was unreachable, ...); the next pass tries again. */
  on_error?: (error: unknown) => void;
  /** Told once per process of each schedule run otherwise than registered (ScheduleEntry.warnings). */
  on_warning?: (entry: ScheduleEntry, warning: ScheduleWarning) => void;
}

/** The scheduler: see createScheduler(). */
export interface Scheduler {
  /** Runs a first pass (taking missed fires) and keeps firing until stop(). */
  start(): Promise<void>;
  /** Stops arming timers and waits for the pass under way. */
  stop(): Promise<void>;
  /** Re-reads the registry and fires what is due now (after a sync, or in tests); resolves when the pass is done. Does nothing before start(). */
  poke(): Promise<void>;
}

/** At most this many scheduled times of one schedule are fired in one pass (a long catch-up window). */
const MAX_PER_PASS = 100;

/** The least lateness of a wake that counts as a stall (Temporal's least catch-up window). */
const STALL_MS = 10_000;

/** Creates a node's scheduler. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? createSystemClock();
  const reloadMs = options.reload_ms ?? 1000;
  const orphanAfterMs = options.orphan_after_ms ?? 30_000;
  const runner = createFireRunner({
    store: options.store,
    engine: options.engine,
    clock,
    node_id: options.node_id,
    ...(options.on_fire ? { on_fire: options.on_fire } : {}),
  });
  const after = createAfterWatcher({
    store: options.store,
    engine: options.engine,
    clock,
    node_id: options.node_id,
    max_after_chain: options.max_after_chain ?? 10,
    ...(options.on_fire ? { on_fire: options.on_fire } : {}),
  });
  const repo = options.store.triggers;
  let entries: ScheduleEntry[] = [];
  let afterEntries: AfterEntry[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  /** When the previous pass of this process looked; null before the first (then the catch-up window rules). */
  let lastPassAt: number | null = null;
  /** When the previous pass ended and armed the next wake (at most reload_ms later). */
  let lastPassEndAt: number | null = null;
  /**
   * Per schedule, since when this scheduler has run it without a stall: a time due before then
   * was missed (a catch-up), however many passes it takes to fire them all (100 a pass).
   */
  const runningSince = new Map<string, number>();
  let cancelTimer: (() => void) | null = null;
  let stopped = true;
  let pass: Promise<void> | null = null;
  let again = false;

  /** The latest scheduled time this process knows was fired, per schedule (saves a read per idle pass). */
  const seen = new Map<string, number>();
  /** Warnings told already (schedule id and message), so a log line is written once, not each pass. */
  const warned = new Set<string>();
  const warn = (entry: ScheduleEntry): void => {
    for (const warning of entry.warnings) {
      const key = `${entry.id}\n${warning.message}`;
      if (warned.has(key)) continue;
      warned.add(key);
      options.on_warning?.(entry, warning);
    }
  };
  /** The schedules enabled in their file at this process's previous pass. */
  let wasLive = new Set<string>();
  // Schedules whose state row this process has made sure of: later passes only read it.
  const ensured = new Set<string>();
  const stateOf = async (id: string, now: number) => {
    const known = ensured.has(id) ? await repo.getState(id) : null;
    if (known) return known;
    const state = await repo.ensureState(id, new Date(now).toISOString());
    ensured.add(id);
    return state;
  };

  const fireDue = async (entry: ScheduleEntry, state: TriggerStateRecord, now: number): Promise<void> => {
    const { schedule } = entry;
    // Regular passes never miss a time (lastPassAt); after a restart only the window is caught up.
    // So too after a stall: the previous pass armed a wake at most reload_ms away, so a pass
    // that comes later than that by more than the window means this process did not run (the
    // machine slept, SIGSTOP) or the wall clock jumped forward. Firing every time since would
    // start a day of a one-second schedule at once; like a restart, only the window is taken.
    // At least STALL_MS late: timers and a busy event loop run late by seconds, and a schedule
    // with no catch-up window would lose the times of every late wake.
    const stalled = lastPassEndAt !== null && now - lastPassEndAt > reloadMs + Math.max(schedule.catchup_window_ms, STALL_MS);
    const passesRan = lastPassAt !== null && !stalled;
    if (!passesRan || !runningSince.has(entry.id)) runningSince.set(entry.id, now);
    const dueSince = runningSince.get(entry.id) ?? now;
    const windowStart = Math.min(passesRan ? (lastPassAt ?? now) : Number.POSITIVE_INFINITY, now - schedule.catchup_window_ms) - 1;
    const floor = Math.max(Date.parse(state.since), windowStart, seen.get(entry.id) ?? Number.NEGATIVE_INFINITY);
    // Most passes find nothing due: answer that without reading the store.
    const [first] = scheduleTimes(schedule, floor, 1, now);
    if (first === undefined || first + jitterOf(entry.id, first, schedule.jitter_ms) > now) return;
    const last = await repo.lastScheduledAt(entry.id);
    const after = Math.max(last === null ? Number.NEGATIVE_INFINITY : Date.parse(last), floor);
    for (const at of scheduleTimes(schedule, after, MAX_PER_PASS, now)) {
      const fireAt = at + jitterOf(entry.id, at, schedule.jitter_ms);
      // Times are in order; a later one never fires before an earlier one still in its jitter.
      if (fireAt > now) break;
      // A catch-up is a time missed while no pass ran (before this scheduler's first pass, or
      // during a stall); once passes run, a late one (a busy process) fires its times as scheduled.
      await runner.fire(entry, at, fireAt >= dueSince - reloadMs ? 'schedule' : 'catchup');
      // Fired here or by another node: either way this time is done.
      seen.set(entry.id, at);
    }
  };

  const nextWake = (now: number): number => {
    let wake = now + reloadMs;
    for (const entry of entries) {
      if (!entry.schedule.enabled) continue;
      const [next] = scheduleTimes(entry.schedule, now, 1);
      if (next !== undefined) wake = Math.min(wake, next + jitterOf(entry.id, next, entry.schedule.jitter_ms));
    }
    return wake;
  };

  /**
   * A buffered fire waits for its schedule's running execution; once the schedule is gone (its
   * pack re-synced without it, its workflow deleted) nothing would ever start it, and it stayed
   * `buffered` for good. It is settled `skipped`, the reason in its detail, for the fire history.
   * A paused or disabled schedule keeps its buffered fires (they start once it is back).
   */
  const dropRemovedBuffered = async (declared: ReadonlySet<string>): Promise<void> => {
    const removed = (await repo.listFiresByStatus('buffered')).filter((fire) => !declared.has(fire.trigger_id));
    if (removed.length === 0) return;
    // This node's read of the registry may be older than the fire (another node registered its schedule since): read again.
    const current = new Set((await loadSchedules(options.store.registry)).map((entry) => entry.id));
    for (const fire of removed) {
      if (current.has(fire.trigger_id)) continue;
      const cut = fire.trigger_id.lastIndexOf('/');
      const [workflowRef, name] = [fire.trigger_id.slice(0, cut), fire.trigger_id.slice(cut + 1)];
      await runner.dropBuffered(fire, `dropped: trigger '${name}' is no longer a schedule of workflow '${workflowRef}' (removed from its file while this fire waited)`);
    }
  };

  const runPass = async (force: boolean): Promise<void> => {
    const now = clock.now();
    if (force || now - loadedAt >= reloadMs) {
      entries = await loadSchedules(options.store.registry);
      afterEntries = await loadAfterTriggers(options.store.registry);
      loadedAt = now;
    }
    const live = new Set<string>();
    for (const entry of entries) {
      try {
        // A paused or disabled schedule fires nothing: neither its times nor the fires it
        // buffered before (they wait, and start once it is resumed or enabled again).
        if (!entry.schedule.enabled) continue;
        warn(entry);
        // Ended schedules are not live: an end_at a later file moves on is like a re-enable.
        if (entry.schedule.end_at === undefined || now < Date.parse(entry.schedule.end_at)) live.add(entry.id);
        // Enabled again in its file, back in it after it was removed, or its end_at moved on:
        // like a resume, the times that passed meanwhile are not caught up; it counts from
        // this process's previous pass.
        // Stored (the state's since), so a restart or another node does not catch them up either.
        if (lastPassAt !== null && !wasLive.has(entry.id)) await repo.advanceSince(entry.id, new Date(lastPassAt).toISOString());
        const state = await stateOf(entry.id, now);
        if (state.paused) continue;
        await fireDue(entry, state, now);
        await runner.drainBuffered(entry);
      } catch (error) {
        options.on_error?.(error);
      }
    }
    try {
      await dropRemovedBuffered(new Set(entries.map((entry) => entry.id)));
    } catch (error) {
      options.on_error?.(error);
    }
    try {
      await after.pass(afterEntries);
    } catch (error) {
      options.on_error?.(error);
    }
    // One read of the fires left starting, for the three that adopt them (schedule fires,
    // after-trigger fires, webhook deliveries): each takes its own, and a compare-and-set on
    // the fire's node and time keeps a fire another already took from being taken twice.
    const starting = await options.store.triggers.listFiresByStatus('starting', new Date(now - orphanAfterMs).toISOString());
    if (starting.length > 0) {
      await runner.adoptOrphans(new Map(entries.map((e) => [e.id, e])), starting);
      await after.adoptOrphans(afterEntries, starting);
      for (const fire of await settleAbandonedDeliveries({ store: options.store, engine: options.engine, clock, node_id: options.node_id, starting })) options.on_fire?.(fire);
    }
    wasLive = live;
    lastPassAt = now;
    lastPassEndAt = clock.now();
  };

  const arm = () => {
    cancelTimer?.();
    cancelTimer = null;
    if (stopped) return;
    const now = clock.now();
    cancelTimer = clock.setTimer(Math.max(0, nextWake(now) - now), () => void runLoop(false));
  };

  /** One pass at a time; a request during a pass runs one more pass after it. */
  const runLoop = (force: boolean): Promise<void> => {
    if (pass) {
      again = again || force;
      return pass;
    }
    pass = (async () => {
      try {
        await runPass(force);
        while (again && !stopped) {
          again = false;
          await runPass(true);
        }
      } catch (error) {
        options.on_error?.(error);
      } finally {
        pass = null;
        arm();
      }
    })();
    return pass;
  };

  return {
    async start() {
      stopped = false;
      await runLoop(true);
    },
    async stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
      await pass;
    },
    async poke() {
      if (stopped) return;
      await runLoop(true);
      // A poke during a pass is served by the extra pass that follows it.
      await pass;
    },
  };
}
