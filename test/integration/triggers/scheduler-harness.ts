/** A real SQLite store and engine with a fake clock, and a scheduler over them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { ScheduleDef } from '../../../src/core/model.js';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../../../src/triggers/scheduler.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { actionsWith } from '../engine/helpers.js';

export const SCHEDULE: ScheduleDef = { timezone: 'UTC', input: {}, overlap: 'skip', catchup_window_ms: 60_000, jitter_ms: 0, enabled: true };

export interface SchedulerHarness {
  store: Store;
  engine: Engine;
  clock: FakeClock;
  fires: TriggerFireRecord[];
  /** A scheduler on this store (a "process"); stopped by close(). */
  scheduler(node?: string, options?: Pick<SchedulerOptions, 'max_after_chain'>): Scheduler;
  /** Registers (a new version of) a workflow with these schedules. */
  register(ref: string, triggers: Record<string, Partial<ScheduleDef>> | null, action?: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the harness; `actions` are inline handlers (a test action named `test.block` waits on a gate). */
export async function openSchedulerHarness(actions: Record<string, ActionHandler> = {}): Promise<SchedulerHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-triggers-'));
  const store = createSqliteStore({ file: join(dir, 'harmonia.db') });
  const clock = new FakeClock();
  const engine = createEngine({ store, actions: actionsWith(actions), clock });
  await engine.start();
  const fires: TriggerFireRecord[] = [];
  const schedulers: Scheduler[] = [];
  let n = 0;
  return {
    store,
    engine,
    clock,
    fires,
    scheduler(node = 'node-a', options = {}) {
      const scheduler = createScheduler({ ...options, store, engine, clock, node_id: node, on_fire: (fire) => fires.push(fire), on_error: (error) => { throw error; } });
      schedulers.push(scheduler);
      return scheduler;
    },
    async register(ref, triggers, action = 'core.noop') {
      const body = workflowBody([{ id: 'a', action }]);
      if (triggers) body.triggers = Object.fromEntries(Object.entries(triggers).map(([name, s]) => [name, { schedule: { ...SCHEDULE, ...s } }]));
      n += 1;
      await store.registry.addVersion({ kind: 'workflow', ref, pack_ref: ref.split('.')[0] ?? 'demo', content_hash: `h${n}`, body, source: '', file: 'workflows/x.yaml', origin: { source: 'local' } });
    },
    async close() {
      await Promise.all(schedulers.map((s) => s.stop()));
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Scheduled times of the fires, as seconds after the fake clock's epoch (2026-01-01T00:00:00Z). */
export function secondsOf(fires: readonly TriggerFireRecord[]): number[] {
  const epoch = Date.parse('2026-01-01T00:00:00Z');
  return fires.map((f) => (Date.parse(f.scheduled_at) - epoch) / 1000);
}
