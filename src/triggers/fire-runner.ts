/**
 * Carries out fires: records each (once — the store's unique key decides between nodes),
 * applies the overlap policy, starts the execution and records what came of it.
 */
import { createHash } from 'node:crypto';
import type { ExecutionRecord } from '../core/model.js';
import type { FireReason, TriggerFireRecord } from '../core/trigger-model.js';
import type { SecretMasker } from '../core/secret-masker.js';
import type { Clock } from '../engine/clock.js';
import type { StartExecutionOptions } from '../engine/engine-api.js';
import { renderValue } from '../expr/index.js';
import type { Store } from '../store/store.js';
import { fireCoordinatorOf } from './fire-coordinator.js';
import { uniqueFireKey } from './fire-key.js';
import { decideOverlap } from './overlap.js';
import type { ScheduleEntry } from './trigger-catalogue.js';


/** What the scheduler needs of the engine. */
export interface TriggerEngine {
  startExecution(options: StartExecutionOptions): Promise<ExecutionRecord>;
  cancel(id: string): Promise<ExecutionRecord>;
  /** The engine's masker: a fire's `detail` (a failure's text) is masked before it is stored, as every stored error is. */
  readonly secrets?: Pick<SecretMasker, 'maskText'>;
}

/** A fire's detail as it may be stored and shown: the known secrets masked. */
export function maskedDetail(engine: TriggerEngine, text: string): string {
  return engine.secrets ? engine.secrets.maskText(text) : text;
}

export interface FireRunnerOptions {
  store: Store;
  engine: TriggerEngine;
  clock: Clock;
  node_id: string;
  /** Told every fire once it is settled (started, skipped, buffered or failed). */
  on_fire?: (fire: TriggerFireRecord) => void;
}

/** The fire runner: see createFireRunner(). */
export interface FireRunner {
  /**
   * Records and carries out one scheduled time; null when it was already fired (here or by
   * another node). A manual fire is keyed by the time and random digits below it: null only
   * when that draw was taken (about one in a million).
   */
  fire(entry: ScheduleEntry, scheduledAt: number, reason: FireReason): Promise<TriggerFireRecord | null>;
  /** Starts the oldest buffered fire of a schedule once nothing it started is running. */
  drainBuffered(entry: ScheduleEntry): Promise<void>;
  /**
   * Settles a buffered fire as skipped with `detail` (its schedule is gone), unless a node
   * started it meanwhile; false then.
   */
  dropBuffered(fire: TriggerFireRecord, detail: string): Promise<boolean>;
  /** Takes over the schedule fires among `starting`: fires another node recorded but left unsettled past the orphan age (it died). */
  adoptOrphans(entries: ReadonlyMap<string, ScheduleEntry>, starting: readonly TriggerFireRecord[]): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const keyOf = (fire: Pick<TriggerFireRecord, 'trigger_id' | 'scheduled_at'>) => `${fire.trigger_id}@${fire.scheduled_at}`;

/**
 * The id of the execution a fire starts, derived from the fire (UUID-shaped): a node that
 * takes over a dead node's fire finds the execution that node may have started instead
 * of starting a second one.
 */
export function executionIdOf(triggerId: string, scheduledAt: string): string {
  const hex = createHash('sha256').update(`${triggerId}@${scheduledAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Creates the fire runner of one node. */
export function createFireRunner(options: FireRunnerOptions): FireRunner {
  const { store, engine, clock, node_id } = options;
  const repo = store.triggers;
  // Shared with every other runner of this store in the process (fire-coordinator.ts).
  const coordinator = fireCoordinatorOf(store);
  const { inFlight } = coordinator;

  // Every unfinished execution the trigger started, not those of its last few fires: a
  // one-second schedule skipping behind a long execution records a fire a second.
  const running = (triggerId: string): Promise<string[]> => repo.unfinishedExecutions(triggerId);

  const buffered = async (triggerId: string): Promise<TriggerFireRecord[]> =>
    (await repo.listFiresByStatus('buffered')).filter((fire) => fire.trigger_id === triggerId);

  const settle = async (fire: TriggerFireRecord, patch: Partial<TriggerFireRecord> & Pick<TriggerFireRecord, 'status'>): Promise<TriggerFireRecord> => {
    const updated_at = iso(clock.now());
    const next = { ...fire, ...patch, updated_at };
    if (next.detail !== null) next.detail = maskedDetail(engine, next.detail);
    const done = await repo.updateFire(
      fire.trigger_id,
      fire.scheduled_at,
      { status: next.status, execution_id: next.execution_id, detail: next.detail, updated_at },
      { status: 'starting', node_id },
    );
    if (done) options.on_fire?.(next);
    return next;
  };

  const start = async (entry: ScheduleEntry, fire: TriggerFireRecord): Promise<TriggerFireRecord> => {
    const id = executionIdOf(fire.trigger_id, fire.scheduled_at);
    try {
      const trigger = { id: entry.id, name: entry.name, workflow_ref: entry.workflow_ref, scheduled_time: fire.scheduled_at, reason: fire.reason };
      const execution = await engine.startExecution({
        workflow_ref: entry.workflow_ref,
        input: renderValue(entry.schedule.input, { trigger }, { now: () => new Date(clock.now()) }) as Record<string, unknown>,
        id,
        trigger: { id: fire.trigger_id, scheduled_at: fire.scheduled_at, reason: fire.reason },
      });
      return await settle(fire, { status: 'started', execution_id: execution.id, detail: null });
    } catch (error) {
      // Started already (by a node that died before recording it): the fire is that execution.
      if (await store.executions.getExecution(id)) return settle(fire, { status: 'started', execution_id: id, detail: null });
      return settle(fire, { status: 'failed', detail: (error as Error).message });
    }
  };

  /** Under cancel_other the newest fire wins: one still waiting for a canceled execution to end gives way to it. */
  const supersedeWaiting = async (entry: ScheduleEntry, newer: TriggerFireRecord): Promise<void> => {
    for (const waiting of await buffered(entry.id)) {
      const updated_at = iso(clock.now());
      const detail = `superseded by the fire of ${newer.scheduled_at} (overlap cancel_other)`;
      if (await repo.updateFire(waiting.trigger_id, waiting.scheduled_at, { status: 'skipped', node_id, detail, updated_at }, { status: 'buffered' })) {
        options.on_fire?.({ ...waiting, status: 'skipped', node_id, detail, updated_at });
      }
    }
  };

  /** Applies the overlap policy to a fire this node holds in `starting`. */
  const carryOut = async (entry: ScheduleEntry, fire: TriggerFireRecord): Promise<TriggerFireRecord> => {
    const key = keyOf(fire);
    inFlight.add(key);
    try {
      // One decision at a time per trigger: the next one sees the execution this one started.
      // allow_all decides nothing (every fire starts), so its fires need not wait their turn.
      const decide = entry.schedule.overlap === 'allow_all' ? <T>(fn: () => Promise<T>) => fn() : <T>(fn: () => Promise<T>) => coordinator.serialise(entry.id, fn);
      return await decide(async () => {
        const active = await running(entry.id);
        const waiting = (await buffered(entry.id)).length;
        switch (decideOverlap(entry.schedule.overlap, active.length, waiting)) {
          case 'skip':
            return await settle(fire, { status: 'skipped', detail: `execution ${active.join(', ')} of this schedule is still running` });
          case 'buffer':
            return await settle(fire, { status: 'buffered', detail: null });
          case 'cancel_then_start': {
            for (const id of active) await engine.cancel(id).catch(() => undefined);
            await supersedeWaiting(entry, fire);
            // An execution whose work does not stop at once (an action ending its step, a
            // process given its grace) still runs: the new one waits for it to end, as
            // Temporal's CANCEL_OTHER starts the new one after the old one completes cancellation.
            const still = await running(entry.id);
            if (still.length > 0) return await settle(fire, { status: 'buffered', detail: `waiting for canceled execution ${still.join(', ')} to end` });
            return await start(entry, fire);
          }
          case 'start':
            if (entry.schedule.overlap === 'cancel_other') await supersedeWaiting(entry, fire);
            return await start(entry, fire);
        }
      });
    } finally {
      inFlight.delete(key);
    }
  };

  return {
    async fire(entry, scheduledAt, reason) {
      const now = iso(clock.now());
      const fire: TriggerFireRecord = {
        trigger_id: entry.id,
        // A scheduled time is its schedule's own key (a second node's insert finds it taken); a manual fire's is unique (fire-key.ts).
        scheduled_at: reason === 'manual' ? uniqueFireKey(scheduledAt) : iso(scheduledAt),
        reason,
        status: 'starting',
        execution_id: null,
        source_execution_id: null,
        node_id,
        detail: null,
        created_at: now,
        updated_at: now,
      };
      if (await repo.insertFire(fire)) return carryOut(entry, fire);
      // A backfill runs a time the overlap policy skipped before (it never ran), and only that:
      // a time that started, waits buffered or failed stays fired.
      if (reason !== 'backfill') return null;
      const previous = await repo.getFire(fire.trigger_id, fire.scheduled_at);
      if (previous?.status !== 'skipped') return null;
      const patch = { status: 'starting' as const, reason, node_id, detail: null, updated_at: now };
      // Compare-and-set: of two backfills at once, one takes the time up.
      if (!(await repo.updateFire(fire.trigger_id, fire.scheduled_at, patch, { status: 'skipped', updated_at: previous.updated_at }))) return null;
      return carryOut(entry, { ...previous, ...patch });
    },

    async drainBuffered(entry) {
      // Every pass asks of every schedule: the turn (a lock on PostgreSQL) only when a fire waits.
      if ((await buffered(entry.id)).length === 0) return;
      await coordinator.serialise(entry.id, async () => {
        const queue = await buffered(entry.id);
        const oldest = queue[0];
        if (!oldest || (await running(entry.id)).length > 0) return;
        const updated_at = iso(clock.now());
        // Compare-and-set: of two nodes draining at once, one moves it to starting.
        if (!(await repo.updateFire(oldest.trigger_id, oldest.scheduled_at, { status: 'starting', node_id, updated_at }, { status: 'buffered' }))) return;
        const key = keyOf(oldest);
        inFlight.add(key);
        try {
          await start(entry, { ...oldest, status: 'starting', node_id, updated_at });
        } finally {
          inFlight.delete(key);
        }
      });
    },

    async dropBuffered(fire, detail) {
      const updated_at = iso(clock.now());
      const masked = maskedDetail(engine, detail);
      const done = await repo.updateFire(fire.trigger_id, fire.scheduled_at, { status: 'skipped', node_id, detail: masked, updated_at }, { status: 'buffered' });
      if (done) options.on_fire?.({ ...fire, status: 'skipped', node_id, detail: masked, updated_at });
      return done;
    },

    async adoptOrphans(entries, starting) {
      for (const fire of starting) {
        const entry = entries.get(fire.trigger_id);
        if (!entry || inFlight.has(keyOf(fire))) continue;
        const updated_at = iso(clock.now());
        const taken = await repo.updateFire(
          fire.trigger_id,
          fire.scheduled_at,
          { status: 'starting', node_id, updated_at },
          { status: 'starting', node_id: fire.node_id, updated_at: fire.updated_at },
        );
        if (!taken) continue;
        const adopted = { ...fire, node_id, updated_at };
        // The dead node may have started the execution before it could record it.
        if (await store.executions.getExecution(executionIdOf(fire.trigger_id, fire.scheduled_at))) {
          inFlight.add(keyOf(fire));
          try {
            await start(entry, adopted);
          } finally {
            inFlight.delete(keyOf(fire));
          }
        } else await carryOut(entry, adopted);
      }
    },
  };
}
