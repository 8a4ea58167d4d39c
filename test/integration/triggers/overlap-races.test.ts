/**
 * Overlap policies when fires of one schedule are carried out at the same moment — a manual
 * fire while the scheduler fires, two trigger-now requests, a backfill beside the live
 * schedule. Each decided alone ("nothing runs") and all started.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OverlapPolicy } from '../../../src/core/model.js';
import { createEngine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createScheduleService } from '../../../src/triggers/schedule-service.js';
import { actionsWith, gate, handler } from '../engine/helpers.js';
import { openSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
const open = gate();
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

  it('starts one execution when two nodes carry out fires of one schedule at once under skip', async () => {
    const harness = await slowSchedule('skip');
    // A second node: its own store on the same file, its own engine and schedule service.
    const storeB = createSqliteStore({ file: harness.file });
    const engineB = createEngine({ store: storeB, actions: actionsWith({ 'test.block': handler(() => open.promise) }), clock: harness.clock });
    await engineB.start();
    try {
      const a = createScheduleService({ store: harness.store, engine: harness.engine, clock: harness.clock, node_id: 'node-a' });
      const b = createScheduleService({ store: storeB, engine: engineB, clock: harness.clock, node_id: 'node-b' });
      for (let round = 0; round < 5; round += 1) {
        const fires = await Promise.all([a.trigger('demo.slow', 's'), b.trigger('demo.slow', 's')]);
        expect(fires.map((f) => f.status).filter((s) => s === 'started').length, `round ${round}`).toBeLessThanOrEqual(1);
      }
      expect(await harness.store.triggers.unfinishedExecutions('demo.slow/s')).toHaveLength(1);
    } finally {
      open.open();
      await engineB.stop();
      await storeB.close();
    }
  });
});
