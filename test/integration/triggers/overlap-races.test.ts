/**
 * Overlap policies when fires of one schedule are carried out at the same moment — a manual
 * fire while the scheduler fires, two trigger-now requests, a backfill beside the live
 * schedule. Each decided alone ("nothing runs") and all started.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OverlapPolicy } from '../../../src/core/model.js';
import { createEngine } from '../../../src/engine/index.js';
import type { Store } from '../../../src/store/store.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { pgSuiteName, TEST_DATABASE_URL, usePgSchema } from '../store/pg-test-db.js';
import { createScheduleService } from '../../../src/triggers/schedule-service.js';
import { actionsWith, gate, handler } from '../engine/helpers.js';
import { openSchedulerHarness, SCHEDULE, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
// A fresh gate for each test: an opened one would let every later execution finish at once.
let open = gate();
beforeEach(() => {
  open = gate();
});
afterEach(async () => {
  open.open();
  await h?.close();
  h = null;
});

async function slowSchedule(overlap: OverlapPolicy): Promise<SchedulerHarness> {
  h = await openSchedulerHarness({ 'test.block': handler(() => open.promise) });
  await h.register('demo.slow', { s: { every_ms: 3_600_000, overlap } }, 'test.block');
  return h;
}

describe('overlap policies under fires carried out at once', () => {
  it('starts one execution of concurrent trigger-now requests under skip, skipping the others', async () => {
    const harness = await slowSchedule('skip');
    const service = createScheduleService({ store: harness.store, engine: harness.engine, clock: harness.clock });
    const fires = await Promise.all([1, 2, 3, 4].map(() => service.trigger('demo.slow', 's')));
    expect(fires.map((f) => f.status).sort()).toEqual(['skipped', 'skipped', 'skipped', 'started']);
  });

  it('buffers, never starts, the fires that come while one starts under buffer_all', async () => {
    const harness = await slowSchedule('buffer_all');
    const service = createScheduleService({ store: harness.store, engine: harness.engine, clock: harness.clock });
    const fires = await Promise.all([1, 2, 3].map(() => service.trigger('demo.slow', 's')));
    expect(fires.map((f) => f.status).sort()).toEqual(['buffered', 'buffered', 'started']);
  });

  it('starts one execution when a trigger-now request meets the scheduler firing under skip', async () => {
    const harness = await slowSchedule('skip');
    const service = createScheduleService({ store: harness.store, engine: harness.engine, clock: harness.clock, node_id: 'api' });
    const scheduler = harness.scheduler();
    await scheduler.start();
    harness.clock.advance(3_600_000);
    const [manual] = await Promise.all([service.trigger('demo.slow', 's'), scheduler.poke()]);
    const all = [manual, ...harness.fires];
    expect(all.filter((f) => f.status === 'started')).toHaveLength(1);
    expect(all.filter((f) => f.status === 'skipped')).toHaveLength(1);
  });
});

/** Two nodes (a store, an engine and a schedule service each) trigger one skip schedule at once, round after round. */
async function triggerOnTwoNodes(one: Store, two: Store): Promise<void> {
  const clock = new FakeClock();
  const body = workflowBody([{ id: 'a', action: 'test.block' }]);
  body.triggers = { s: { schedule: { ...SCHEDULE, every_ms: 3_600_000, overlap: 'skip' } } };
  await one.registry.addVersion({ kind: 'workflow', ref: 'demo.slow', pack_ref: 'demo', content_hash: 'h1', body, source: '', file: 'workflows/x.yaml', origin: { source: 'local' } });
  const engines = [one, two].map((store) => createEngine({ store, actions: actionsWith({ 'test.block': handler(() => open.promise) }), clock }));
  for (const engine of engines) await engine.start();
  try {
    const [a, b] = [one, two].map((store, i) => createScheduleService({ store, engine: engines[i]!, clock, node_id: `node-${i}` }));
    for (let round = 0; round < 5; round += 1) {
      const fires = await Promise.all([a!.trigger('demo.slow', 's'), b!.trigger('demo.slow', 's')]);
      expect(fires.filter((f) => f.status === 'started').length, `round ${round}`).toBeLessThanOrEqual(1);
    }
    expect(await one.triggers.unfinishedExecutions('demo.slow/s')).toHaveLength(1);
  } finally {
    open.open();
    for (const engine of engines) await engine.stop();
  }
}

// SQLite has one engine process (engine-lock.ts): two nodes are PostgreSQL's case.
describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('overlap skip across two nodes triggering at once'), () => {
  const pg = usePgSchema();
  it('starts one execution, round after round', async () => {
    await triggerOnTwoNodes(await pg.makeStore(), await pg.openStore());
  });
});
