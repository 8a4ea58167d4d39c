// Scheduler cost: one pass over N schedules with nothing due (the every-second idle cost)
// and a pass where all N fire (record, start an execution, settle), on SQLite, against a
// baseline measured in the same run: computing the same N next fire times with no store.
// Run: npm run build && node bench/triggers.mjs [--schedules 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../dist/engine/index.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { createScheduler } from '../dist/triggers/scheduler.js';
import { scheduleTimes } from '../dist/triggers/schedule-times.js';

const args = process.argv.slice(2);
const index = args.indexOf('--schedules');
const N = index >= 0 ? Number(args[index + 1]) : 1000;

/** A clock the bench moves by hand, so passes happen when it says. */
function manualClock(start) {
  let now = start;
  return { now: () => now, setTimer: () => () => undefined, set: (t) => (now = t) };
}

// The firing pass moves the clock an hour at once: a stall to the scheduler, which then takes the
// times within the catch-up window only; a two-hour window keeps every schedule's time in it.
const schedule = (i) => ({ timezone: 'UTC', input: {}, overlap: 'allow_all', catchup_window_ms: 7_200_000, jitter_ms: 0, enabled: true, cron: `${i % 60} * * * *` });

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-triggers-'));
const store = createSqliteStore({ file: join(dir, 'h.db') });
const start = Date.parse('2027-01-01T00:00:30Z');
const clock = manualClock(start);
const engine = createEngine({ store, actions: { resolve: () => ({ run: async () => ({ status: 'success', data: {} }) }) }, clock, config: { max_concurrent_workflows: 100_000 } });
await engine.start();
for (let i = 0; i < N; i += 1) {
  const body = { version: '1', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: 'a', action: 'core.noop', depends_on: [], input: {} }], triggers: { t: { schedule: schedule(i) } } };
  await store.registry.addVersion({ kind: 'workflow', ref: `bench.w${i}`, pack_ref: 'bench', content_hash: String(i), body, source: '', file: 'w.yaml', origin: { source: 'local' } });
}
let fired = 0;
const scheduler = createScheduler({ store, engine, clock, node_id: 'bench', on_fire: () => (fired += 1) });
await scheduler.start(); // the first pass creates the state rows

// Distinct expressions per run would hide the parse cache; the baseline asks each schedule once, as a pass does.
const t0 = performance.now();
for (let i = 0; i < N; i += 1) scheduleTimes(schedule(i), start, 1);
const baseline = performance.now() - t0;

clock.set(start + 1000);
const t1 = performance.now();
await scheduler.poke();
const idle = performance.now() - t1;

// Each schedule fires once an hour (at its minute): one hour on, every one of them is due once.
clock.set(start + 3_600_000);
const t2 = performance.now();
await scheduler.poke();
const firing = performance.now() - t2;

await scheduler.stop();
await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`schedules: ${N}`);
console.log(`baseline (next fire time of each, no store): ${baseline.toFixed(1)} ms`);
console.log(`idle pass (registry read, state and last fire per schedule): ${idle.toFixed(1)} ms  (${(idle / baseline).toFixed(1)}x baseline, ${((idle / N) * 1000).toFixed(0)} µs per schedule)`);
console.log(`firing pass: ${fired} fires in ${firing.toFixed(1)} ms  (${(fired / (firing / 1000)).toFixed(0)} fires/s, ${(firing / baseline).toFixed(1)}x baseline)`);
