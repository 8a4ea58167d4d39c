import { afterEach, describe, it, expect } from 'vitest';
import { FakeClock } from '../../unit/engine/fake-clock.js';
import { handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine wake-ups', () => {
  it('starts a retry whose timer fires a millisecond early', async () => {
    const clock = new FakeClock({ fire_early_ms: 1 });
    const attempts: number[] = [];
    h = await openHarness(
      {
        'test.flaky': handler((_input, attempt) => {
          attempts.push(attempt);
          if (attempt < 4) throw typedError('CONNECTION_ERROR', 'refused');
          return { attempt };
        }),
      },
      {},
      clock,
    );
    await register(h.store, 'demo.retry', workflow([{ id: 'call', action: 'test.flaky', retry: { max_attempts: 4, initial_delay_ms: 5, jitter: 0.5 } }]));
    const engine = h.engine;
    let retry = nextEvent(engine, (e) => e.event_type === 'retry_attempted');
    const run = await engine.startExecution({ workflow_ref: 'demo.retry' });
    const done = engine.waitForCompletion(run.id);
    for (let n = 0; n < 3; n += 1) {
      const event = await retry;
      retry = nextEvent(engine, (e) => e.event_type === 'retry_attempted');
      clock.advance(event.event_type === 'retry_attempted' ? event.data.delay_ms : 0);
    }
    expect((await done).status).toBe('completed');
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('keeps a wake-up armed for every retry not yet due, when many fall due at once', async () => {
    const clock = new FakeClock({ fire_early_ms: 1 });
    h = await openHarness(
      { 'test.flaky': handler((_input, attempt) => { if (attempt < 2) throw typedError('CONNECTION_ERROR', 'refused'); return { attempt }; }) },
      {},
      clock,
    );
    const tasks = Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, action: 'test.flaky', retry: { max_attempts: 2, initial_delay_ms: 5, jitter: 0 } }));
    await register(h.store, 'demo.many', workflow(tasks));
    const engine = h.engine;
    let retries = 0;
    const allScheduled = new Promise<void>((resolve) => {
      const off = engine.bus.subscribe({}, (event) => {
        if (event.event_type === 'retry_attempted' && ++retries === tasks.length) {
          off();
          resolve();
        }
      });
    });
    const run = await engine.startExecution({ workflow_ref: 'demo.many' });
    const done = engine.waitForCompletion(run.id);
    await allScheduled;
    clock.advance(5);
    expect((await done).status).toBe('completed');
  });

  it('brings 100 executions with short real-time retries to their end', async () => {
    h = await openHarness({}, { max_concurrent_workflows: 100 });
    await register(h.store, 'demo.fail', workflow([{ id: 'boom', action: 'core.fail', input: { error_message: 'no', is_retriable: true }, retry: { max_attempts: 4, initial_delay_ms: 5 } }]));
    const engine = h.engine;
    const runs = await Promise.all(Array.from({ length: 100 }, () => engine.startExecution({ workflow_ref: 'demo.fail' })));
    const done = await Promise.all(runs.map((run) => engine.waitForCompletion(run.id)));
    expect(done.map((record) => record.status)).toEqual(runs.map(() => 'failed'));
    const statuses = await Promise.all(runs.map((run) => engine.getStatus(run.id)));
    expect(statuses.map((s) => s.task_statuses.boom?.attempts)).toEqual(runs.map(() => 4));
  });
});
