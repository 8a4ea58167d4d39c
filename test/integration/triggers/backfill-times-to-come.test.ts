/**
 * A backfill reaches back: a range holding times still to come would start them now and,
 * recorded under their keys, keep them from firing when they come (the schedule's own fire
 * finds its time taken).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { createScheduleService } from '../../../src/triggers/schedule-service.js';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const at = (seconds: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + seconds * 1000).toISOString();

describe('backfill of times still to come', () => {
  it('refuses a range holding a time after now, naming it, and the schedule fires that time when it comes', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, overlap: 'allow_all' } });
    const service = createScheduleService({ store: h.store, engine: h.engine, clock: h.clock });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(25_000);
    await scheduler.poke();
    const error = await service.backfill('demo.tick', 'often', { from: at(0), to: at(40) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarmoniaError);
    expect(error).toMatchObject({ code: 'SCHEDULE_RANGE_INVALID' });
    expect((error as Error).message).toBe(
      `backfill range holds times still to come (the first, ${at(30)}, is after now, ${at(25)}); they fire on their own: end the range at or before now`,
    );
    h.clock.advance(10_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([10, 20, 30]);
    expect(h.fires.map((f) => f.reason)).toEqual(['schedule', 'schedule', 'schedule']);
    // A range ending at now is a backfill of the past: it finds 10 and 20 fired, and 30 is now past too.
    const result = await service.backfill('demo.tick', 'often', { from: at(0), to: at(35) });
    expect(result.already_fired).toEqual([at(10), at(20), at(30)]);
  });
});
