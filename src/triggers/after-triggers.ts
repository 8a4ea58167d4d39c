/**
 * `after:` triggers: start a workflow when an execution of another one ends with one of
 * the given statuses. Each scheduler pass reads the source workflow's newest finished
 * executions from the store (not the event bus, so an end seen by no live node is still
 * found) and fires once per source execution — the store's unique key on (trigger, source
 * execution) decides between nodes.
 */
import type { AfterDef, ExecutionRecord, WorkflowDef } from '../core/model.js';
import type { TriggerFireRecord } from '../core/trigger-model.js';
import type { Clock } from '../engine/clock.js';
import { renderValue } from '../expr/index.js';
import type { RegistryRepo, Store } from '../store/store.js';
import { executionIdOf, maskedDetail, type TriggerEngine } from './fire-runner.js';
import { uniqueFireKey } from './fire-key.js';
import { triggerIdOf } from './trigger-catalogue.js';

/** One after-trigger as the scheduler drives it. */
export interface AfterEntry {
  id: string;
  workflow_ref: string;
  name: string;
  after: AfterDef;
}

/** How many of the source's newest executions per status one pass looks at. */
const SCAN = 100;
const PAGE = 500;

/** Every after-trigger of every active workflow. */
export async function loadAfterTriggers(registry: RegistryRepo): Promise<AfterEntry[]> {
  const out: AfterEntry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await registry.listActive({ kind: 'workflow', limit: PAGE, offset });
    for (const record of page.items) {
      for (const [name, trigger] of Object.entries((record.body as WorkflowDef).triggers ?? {})) {
        if (trigger.after) out.push({ id: triggerIdOf(record.ref, name), workflow_ref: record.ref, name, after: trigger.after });
      }
    }
    if (page.items.length < PAGE) break;
  }
  return out;
}

export interface AfterWatcherOptions {
  store: Store;
  engine: TriggerEngine;
  clock: Clock;
  node_id: string;
  /**
   * Executions in a row after-triggers may start, each by the end of the one before. The fire
   * that would start one more is recorded `skipped`: a ring validation did not see (workflows
   * sent to the API one by one, packs synced apart) stops instead of running forever.
   */
  max_after_chain: number;
  on_fire?: (fire: TriggerFireRecord) => void;
}

/** How many executions in a row after-triggers started, ending with this one (0: it was not started by one). */
async function afterChainOf(store: Store, executionId: string): Promise<number> {
  const [started] = await store.executions.readEvents(executionId, 0, 1);
  const trigger = started?.event_type === 'workflow_started' ? (started.data as { trigger?: { reason?: unknown; chain?: unknown } }).trigger : undefined;
  if (trigger?.reason !== 'after') return 0;
  // Started before chains were counted: as if it began one.
  return typeof trigger.chain === 'number' && Number.isInteger(trigger.chain) && trigger.chain > 0 ? trigger.chain : 1;
}

/** Fires the after-triggers whose source executions ended since the trigger was first seen. */
export function createAfterWatcher(options: AfterWatcherOptions): {
  pass(entries: readonly AfterEntry[]): Promise<void>;
  /** Takes over after-trigger fires another node recorded but did not settle before `before` (it died). */
  /** Takes over the after-trigger fires among `starting` (fires left starting past the orphan age). */
  adoptOrphans(entries: readonly AfterEntry[], starting: readonly TriggerFireRecord[]): Promise<void>;
} {
  const { store, engine, clock, node_id } = options;
  // Fires this node is starting now: never adopted as orphans by itself.
  const inFlight = new Set<string>();
  /** The after-triggers of this process's previous pass, and when it began (null before the first). */
  let wasLive = new Set<string>();
  let lastPassAt: number | null = null;

  const fire = async (entry: AfterEntry, source: ExecutionRecord): Promise<void> => {
    if (source.finished_at === null || (await store.triggers.fireOfSource(entry.id, source.id))) return;
    const at = Date.parse(source.finished_at);
    const chain = (await afterChainOf(store, source.id)) + 1;
    const tooLong = chain > options.max_after_chain;
    let record: TriggerFireRecord;
    // Keyed by the source's end time and random digits below its millisecond (fire-key.ts): sources ending together do not collide.
    for (;;) {
      const now = new Date(clock.now()).toISOString();
      record = {
        trigger_id: entry.id,
        scheduled_at: uniqueFireKey(at),
        reason: 'after',
        status: tooLong ? 'skipped' : 'starting',
        execution_id: null,
        source_execution_id: source.id,
        node_id,
        detail: tooLong
          ? `chain too long: after-triggers started ${chain - 1} executions in a row, ending with ${source.id} (${source.workflow_ref}); starting ${entry.workflow_ref} would make ${chain}, past max_after_chain (${options.max_after_chain}): a ring of after-triggers?`
          : null,
        created_at: now,
        updated_at: now,
      };
      if (await store.triggers.insertFire(record)) break;
      // Lost to another node (same source): nothing to do. Else the key was drawn twice: draw again.
      if (await store.triggers.fireOfSource(entry.id, source.id)) return;
    }
    if (tooLong) {
      options.on_fire?.(record);
      return;
    }
    const key = `${record.trigger_id}@${record.scheduled_at}`;
    inFlight.add(key);
    try {
      await start(entry, source, record, chain);
    } finally {
      inFlight.delete(key);
    }
  };

  /** `known`: the new execution's place in its run of after-triggered ones, when the caller has read it already. */
  const start = async (entry: AfterEntry, source: ExecutionRecord, record: TriggerFireRecord, known?: number): Promise<void> => {
    const settle = async (given: Pick<TriggerFireRecord, 'status' | 'execution_id' | 'detail'>) => {
      const patch = { ...given, detail: given.detail === null ? null : maskedDetail(engine, given.detail) };
      const updated_at = new Date(clock.now()).toISOString();
      if (await store.triggers.updateFire(entry.id, record.scheduled_at, { ...patch, updated_at }, { status: 'starting', node_id })) options.on_fire?.({ ...record, ...patch, updated_at });
    };
    const id = executionIdOf(entry.id, `after:${source.id}`);
    try {
      const chain = known ?? (await afterChainOf(store, source.id)) + 1;
      const trigger = {
        id: entry.id,
        name: entry.name,
        workflow_ref: entry.workflow_ref,
        execution_id: source.id,
        source_workflow_ref: source.workflow_ref,
        status: source.status,
        output: source.output,
        error: source.error,
        finished_at: source.finished_at,
      };
      const input = renderValue(entry.after.input, { trigger }, { now: () => new Date(clock.now()) }) as Record<string, unknown>;
      const execution = await engine.startExecution({ workflow_ref: entry.workflow_ref, input, id, trigger: { id: entry.id, scheduled_at: record.scheduled_at, reason: 'after', chain } });
      await settle({ status: 'started', execution_id: execution.id, detail: `after execution ${source.id} (${source.status})` });
    } catch (error) {
      if (await store.executions.getExecution(id)) await settle({ status: 'started', execution_id: id, detail: `after execution ${source.id} (${source.status})` });
      else await settle({ status: 'failed', execution_id: null, detail: (error as Error).message });
    }
  };

  return {
    async adoptOrphans(entries, starting) {
      const byId = new Map(entries.map((e) => [e.id, e]));
      for (const orphan of starting) {
        const entry = byId.get(orphan.trigger_id);
        if (!entry || orphan.source_execution_id === null || inFlight.has(`${orphan.trigger_id}@${orphan.scheduled_at}`)) continue;
        const source = await store.executions.getExecution(orphan.source_execution_id);
        if (!source) continue;
        const updated_at = new Date(clock.now()).toISOString();
        const taken = await store.triggers.updateFire(
          orphan.trigger_id,
          orphan.scheduled_at,
          { status: 'starting', node_id, updated_at },
          { status: 'starting', node_id: orphan.node_id, updated_at: orphan.updated_at },
        );
        // The execution id comes from the source, so a start the dead node made is found, not repeated.
        if (taken) await start(entry, source, { ...orphan, node_id, updated_at });
      }
    },

    async pass(entries) {
      const now = clock.now();
      const live = new Set<string>();
      for (const entry of entries) {
        live.add(entry.id);
        // Back in its file after it was removed: like a resumed one, it counts from this
        // process's previous pass, not the ends it missed meanwhile (up to a page of them).
        if (lastPassAt !== null && !wasLive.has(entry.id)) await store.triggers.advanceSince(entry.id, new Date(lastPassAt).toISOString());
        const state = (await store.triggers.getState(entry.id)) ?? (await store.triggers.ensureState(entry.id, new Date(clock.now()).toISOString()));
        if (state.paused) continue;
        for (const status of entry.after.status) {
          const page = await store.executions.listExecutions({ workflow_ref: entry.after.workflow, status, limit: SCAN });
          // Oldest first, and only ends since the trigger was first seen (or resumed): no flood of history.
          const ended = page.items.filter((e) => e.finished_at !== null && e.finished_at >= state.since).reverse();
          for (const source of ended) await fire(entry, source);
        }
      }
      wasLive = live;
      lastPassAt = now;
    },
  };
}
