/** Catch-up after a stop, past what one pass fires (100 times of one schedule). */
import { afterEach, describe, expect, it } from 'vitest';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('createScheduler() catching up more times than one pass fires', () => {
  it('records every time missed while stopped as a catch-up, also those later passes fire, and each once', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all', catchup_window_ms: 600_000 } });
    const first = h.scheduler();
    await first.start();
    h.clock.advance(1_000);
    await first.poke();
    await first.stop();
    h.clock.advance(250_000); // down from 1 s to 251 s: 2..251 were missed, all within the window
    const restarted = h.scheduler();
    await restarted.start();
    while (secondsOf(h.fires).at(-1)! < 251) await restarted.poke();
    h.clock.advance(1_000);
    await restarted.poke();
    const seconds = secondsOf(h.fires);
    expect(seconds).toEqual(Array.from({ length: 252 }, (_, i) => i + 1));
    // 2..249 came due while no scheduler ran (250 and 251 are within a reload of the restart,
    // on time as a pass would have fired them); 252 came due while it ran.
    const reasons = h.fires.map((f) => f.reason);
    expect(reasons.slice(1, 249).every((r) => r === 'catchup')).toBe(true);
    expect([reasons[0], ...reasons.slice(249)]).toEqual(['schedule', 'schedule', 'schedule', 'schedule']);
  });
});
