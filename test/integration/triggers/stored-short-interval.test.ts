/**
 * A schedule registered before validation refused an `every` under a second stays in the
 * registry: the scheduler fires it once a second, never faster, and the schedule's listing,
 * the CLI and the scheduler's warning hook say so. A real SQLite store, a fake clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleWarning } from '../../../src/core/schedule-wire.js';
import { createScheduleService } from '../../../src/triggers/schedule-service.js';
import { runHarmonia } from '../llm/cli-output.js';
import { openSchedulerHarness, secondsOf, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const MESSAGE =
  "every 100ms of trigger 'fast' (workflow 'demo.tick', registered before the 1s minimum) is shorter than the shortest interval, 1s: " +
  'it fires every 1s; write every: 1s or longer and sync (TRIGGER_INTERVAL_TOO_SHORT)';

describe('a stored schedule with an every under the 1s minimum', () => {
  it('fires once a second, not at its stored rate, and is told once to the warning hook', async () => {
    h = await openSchedulerHarness();
    // Written straight to the registry, as a sync before the rule did.
    await h.register('demo.tick', { fast: { every_ms: 100, overlap: 'allow_all' } });
    const warnings: Array<{ id: string; warning: ScheduleWarning }> = [];
    const scheduler = h.scheduler('node-a', { on_warning: (entry, warning) => warnings.push({ id: entry.id, warning }) });
    await scheduler.start();
    h.clock.advance(3_000);
    await scheduler.poke();
    h.clock.advance(2_000);
    await scheduler.poke();
    expect(secondsOf(h.fires)).toEqual([1, 2, 3, 4, 5]);
    expect(warnings).toEqual([{ id: 'demo.tick/fast', warning: { code: 'TRIGGER_INTERVAL_TOO_SHORT', message: MESSAGE } }]);
  });

  it('is listed with its effective interval and the warning, by the service and the CLI', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.tick', { fast: { every_ms: 100 }, slow: { every_ms: 60_000 } });
    const service = createScheduleService({ store: h.store, engine: h.engine, clock: h.clock });
    const [fast, slow] = await service.list();
    expect(fast).toMatchObject({ id: 'demo.tick/fast', every_ms: 1000, warnings: [{ code: 'TRIGGER_INTERVAL_TOO_SHORT', message: MESSAGE }] });
    expect(slow).toMatchObject({ id: 'demo.tick/slow', every_ms: 60_000, warnings: [] });
    const detail = await service.get('demo.tick', 'fast');
    const steps = detail.next_fire_times.map((t, i, all) => (i === 0 ? 0 : Date.parse(t) - Date.parse(all[i - 1] ?? t)));
    expect(steps.slice(1)).toEqual([1000, 1000, 1000, 1000]);

    const env = { HARMONIA_DATA_DIR: h.dir };
    const list = await runHarmonia(['schedule', 'list'], h.dir, env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('every 1s (!)');
    expect(list.stderr).toBe(`warning: ${MESSAGE}\n`);
    const show = await runHarmonia(['schedule', 'show', 'demo.tick/fast'], h.dir, env);
    expect(show.stdout).toContain(`warning   ${MESSAGE}\n`);
  });
});
