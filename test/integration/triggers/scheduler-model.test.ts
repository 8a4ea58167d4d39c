/**
 * The scheduler against a reference model, under random sequences of what time does to it:
 * passes on time, wakes a few seconds late, stalls and forward clock jumps, the clock set
 * back, stops and restarts with downtime, pause and resume. The model is the rule set of
 * docs/triggers.md for a one-second schedule with a 30 s catch-up window: which times fire,
 * with which reason, and which are dropped. Seeded (HARMONIA_SCHEDULER_SEED replays one).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createScheduleService } from '../../../src/triggers/schedule-service.js';
import type { Scheduler } from '../../../src/triggers/scheduler.js';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

const SEEDS = process.env.HARMONIA_SCHEDULER_SEED ? [Number(process.env.HARMONIA_SCHEDULER_SEED)] : [1, 2, 3, 20261206];
const WINDOW = 30; // seconds

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('createScheduler() against a reference model', () => {
  for (const seed of SEEDS) {
    it(`fires what the model says, once, with its reason (seed ${seed})`, async () => {
      console.log(`scheduler-model seed ${seed}`);
      const next = random(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
      h = await openSchedulerHarness();
      await h.register('demo.tick', { often: { every_ms: 1_000, overlap: 'allow_all', catchup_window_ms: WINDOW * 1000 } });
      const harness = h;
      const service = createScheduleService({ store: harness.store, engine: harness.engine, clock: harness.clock });
      const seconds = () => (harness.clock.now() - Date.parse('2026-01-01T00:00:00Z')) / 1000;

      // The model: the reason each time must fire with; every other time up to the end must not
      // fire. A pass fires the times after max(since, the last fired time) up to now — after a
      // restart or a stall only those within the window — and none while paused; a resume moves
      // since to its time. Nothing else: a clock set back only waits to pass the last fired time.
      const expected = new Map<number, 'schedule' | 'catchup'>();
      let since = 0;
      let paused = false;
      const log: string[] = [];
      const maxFired = () => Math.max(Number.NEGATIVE_INFINITY, ...expected.keys());
      const pass = (kind: 'on time' | 'after a gap') => {
        if (paused) return;
        const now = seconds();
        let floor = Math.max(since, maxFired());
        if (kind === 'after a gap') floor = Math.max(floor, now - WINDOW - 1);
        for (let t = floor + 1; t <= now; t += 1) expected.set(t, kind === 'on time' || t >= now - 1 ? 'schedule' : 'catchup');
      };

      let scheduler: Scheduler = harness.scheduler();
      await scheduler.start();
      since = seconds(); // a new schedule counts from when it is first seen
      for (let step = 0; step < 30; step += 1) {
        const op = int(0, 9);
        if (op <= 3) {
          const d = int(1, 5);
          log.push(`tick ${d}`);
          harness.clock.advance(d * 1000);
          await scheduler.poke();
          pass('on time');
        } else if (op === 4) {
          const d = int(2, 8);
          log.push(`late ${d}`);
          harness.clock.jump(d * 1000);
          await scheduler.poke();
          pass('on time');
        } else if (op === 5) {
          const d = int(WINDOW + 15, 300);
          log.push(`stall ${d}`);
          harness.clock.jump(d * 1000);
          await scheduler.poke();
          pass('after a gap');
        } else if (op === 6) {
          const d = int(1, 20);
          log.push(`back ${d}`);
          harness.clock.jump(-d * 1000);
          await scheduler.poke();
          pass('on time');
        } else if (op === 7) {
          const down = next() < 0.5 ? int(1, WINDOW - 2) : int(WINDOW + 2, 200);
          log.push(`restart ${down}`);
          await scheduler.stop();
          harness.clock.advance(down * 1000);
          scheduler = harness.scheduler();
          await scheduler.start();
          pass('after a gap');
        } else if (op === 8 && !paused) {
          log.push('pause');
          await scheduler.poke();
          pass('on time');
          await service.pause('demo.tick', 'often');
          paused = true;
        } else if (paused) {
          log.push('resume');
          await service.resume('demo.tick', 'often');
          paused = false;
          since = seconds();
        }
      }
      // Whatever the last step, a last pass on time decides everything up to now.
      harness.clock.advance(1000);
      await scheduler.poke();
      pass('on time');

      const fires = harness.fires.filter((f) => f.trigger_id === 'demo.tick/often');
      const got = secondsOf(fires);
      const want = [...expected.keys()].sort((a, b) => a - b);
      const context = `seed ${seed}: ${log.join(', ')}`;
      const extra = got.filter((t) => !expected.has(t));
      const missing = want.filter((t) => !got.includes(t));
      if (extra.length + missing.length > 0) console.log(context, "\nextra", extra.join(" "), "\nmissing", missing.join(" "));
      expect(new Set(got).size, context).toBe(got.length);
      expect([...got].sort((a, b) => a - b), context).toEqual(want);
      expect(
        fires.map((f, i) => [got[i], f.reason]),
        context,
      ).toEqual(fires.map((_, i) => [got[i], expected.get(got[i]!)]));
    }, 60_000);
  }
});
