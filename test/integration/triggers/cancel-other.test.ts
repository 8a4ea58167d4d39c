/**
 * overlap: cancel_other when the running execution does not stop at once (its action
 * finishes the step it is in, a process given a grace): the new execution must not run
 * beside it. Temporal's CANCEL_OTHER starts the new one after the old one completes cancellation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gate, handler } from '../engine/helpers.js';
import { openSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('overlap cancel_other with an execution slow to stop', () => {
  it('cancels it, waits for it to end before starting the new one, and lets a newer fire supersede a waiting one', async () => {
    let running = 0;
    let most = 0;
    const steps = [gate(), gate(), gate()];
    let calls = 0;
    // Each execution's step ignores the abort and ends only when the test lets it.
    h = await openSchedulerHarness({
      'test.slow': handler(async () => {
        const step = steps[calls++]!;
        running += 1;
        most = Math.max(most, running);
        await step.promise;
        running -= 1;
      }),
    });
    await h.register('demo.slow', { s: { every_ms: 10_000, overlap: 'cancel_other' } }, 'test.slow');
    const scheduler = h.scheduler();
    await scheduler.start();
    h.clock.advance(10_000);
    await scheduler.poke();
    const first = h.fires[0]!.execution_id!;
    h.clock.advance(10_000);
    await scheduler.poke();
    h.clock.advance(10_000);
    await scheduler.poke();
    // 20 s waited for the canceled execution, then 30 s came and took its place.
    expect(h.fires.map((f) => [f.scheduled_at.slice(17, 19), f.status])).toEqual([
      ['10', 'started'],
      ['20', 'buffered'],
      ['20', 'skipped'],
      ['30', 'buffered'],
    ]);
    expect(h.fires[1]!.detail).toBe(`waiting for canceled execution ${first} to end`);
    expect(h.fires[2]!.detail).toBe('superseded by the fire of 2026-01-01T00:00:30.000Z (overlap cancel_other)');
    steps[0]!.open();
    expect((await h.engine.waitForCompletion(first)).status).toBe('canceled');
    await scheduler.poke();
    const started = h.fires.at(-1)!;
    expect([started.scheduled_at, started.status]).toEqual(['2026-01-01T00:00:30.000Z', 'started']);
    expect(most).toBe(1);
    steps[1]!.open();
    await h.engine.waitForCompletion(started.execution_id!);
  });
});
