/**
 * What an idle scheduler pass reads: nothing is due, nothing is orphaned, and the store is
 * asked each question once. The fires left `starting` (a dead node's schedule fires,
 * after-trigger fires and webhook deliveries alike) are one read per pass, shared by the
 * three that adopt them. A real SQLite store, its calls counted on the way through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { createScheduler } from '../../../src/triggers/scheduler.js';
import { openSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The store with every repository call counted by `repo.method[:first argument]`. */
function countingStore(store: Store, calls: Map<string, number>): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const repo = Reflect.get(target, name, receiver) as unknown;
      if (typeof repo !== 'object' || repo === null) return typeof repo === 'function' ? (repo as (...a: unknown[]) => unknown).bind(target) : repo;
      return new Proxy(repo, {
        get(inner, method) {
          const value = Reflect.get(inner, method) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const key = `${String(name)}.${String(method)}${typeof args[0] === 'string' && method === 'listFiresByStatus' ? `:${args[0]}` : ''}`;
            calls.set(key, (calls.get(key) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(inner, args);
          };
        },
      });
    },
  });
}

describe('an idle scheduler pass', () => {
  it('reads the fires left starting once, for schedule orphans, after-trigger orphans and abandoned webhook deliveries together', async () => {
    h = await openSchedulerHarness();
    await h.register('demo.nightly', { nightly: { cron: '0 3 * * *' } });
    const calls = new Map<string, number>();
    const scheduler = createScheduler({ store: countingStore(h.store, calls), engine: h.engine, clock: h.clock, node_id: 'node-a', on_error: (error) => { throw error; } });
    await scheduler.start();
    calls.clear();
    await scheduler.poke();
    await scheduler.stop();
    expect(calls.get('triggers.listFiresByStatus:starting')).toBe(1);
  });
});
