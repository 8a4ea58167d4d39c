import { afterEach, describe, it, expect } from 'vitest';
import type { Clock } from '../../../src/engine/clock.js';
import { handler, nextEvent, openHarness, register, typedError, workflow, type Harness } from './helpers.js';

/**
 * A clock whose timers fire while `now()` is still 1 ms short of their target, as Node's
 * timers do for a few per cent of short timeouts; time then reaches the target.
 */
class EarlyClock implements Clock {
  private current = Date.parse('2026-01-01T00:00:00Z');
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, due.at - 1);
      due.fn();
      this.current = Math.max(this.current, due.at);
    }
    this.current = target;
  }
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine wake-ups', () => {
  it('starts a retry whose timer fires a millisecond early', async () => {
    const clock = new EarlyClock();
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
      clock.advance(Number(event.data.delay_ms));
    }
    expect((await done).status).toBe('completed');
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('keeps a wake-up armed for every retry not yet due, when many fall due at once', async () => {
    const clock = new EarlyClock();
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
