/**
 * The scheduler under a wall clock that jumps: set forward (or a machine waking from sleep,
 * a process stopped with SIGSTOP) and set back. A forward jump is time the scheduler did not
 * run, so it catches up like after a restart (the window); a backward jump fires no time twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('createScheduler() when the clock jumps', () => {
  it('catches up only the catch-up window after the clock jumps an hour forward', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, overlap: 'allow_all', catchup_window_ms: 30_000 } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    h.clock.jump(3_600_000);
    await scheduler.poke();
    await scheduler.poke();
    // Now 3610 s: the window keeps 3580..3610; the 356 times between are dropped, as after a restart.
    expect(secondsOf(h.fires)).toEqual([10, 3580, 3590, 3600, 3610]);
    // The time due now is on time, as after a restart.
    expect(h.fires.slice(1).map((f) => f.reason)).toEqual(['catchup', 'catchup', 'catchup', 'schedule']);
  });

  it('still fires every time of a schedule with no catch-up window when a pass comes a few seconds late', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all', catchup_window_ms: 0 } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(1_000);
    await scheduler.poke();
    // A busy event loop: the next pass runs 5 s after the wake it armed, not a stall.
    h.clock.jump(5_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fires no time twice after the clock is set back, and fires on once it passes them again', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 10_000, overlap: 'allow_all' } });
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(30_000);
    await scheduler.poke();
    h.clock.jump(-25_000);
    await scheduler.poke();
    h.clock.advance(35_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([10, 20, 30, 40]);
    expect(h.fires.every((f) => f.reason === 'schedule')).toBe(true);
  });
});
