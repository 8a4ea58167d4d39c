// Engine throughput: durable (SQLite, WAL, synchronous=FULL, group commit) against an
// in-memory DAG loop with no persistence, in the same process.
// Run: npm run build && node bench/engine.mjs [--tasks 10000] [--layers 100] [--shape chain]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../dist/engine/index.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const N = arg('tasks', 10_000);
const LAYERS = arg('layers', 100);
const shapeIndex = args.indexOf('--shape');
const ONLY = shapeIndex >= 0 ? args[shapeIndex + 1] : undefined;
const CONCURRENCY = 10;

const noop = { run: async () => ({ status: 'success', data: {} }) };

function task(id, depends_on = []) {
  return { id, action: 'bench.noop', depends_on, input: {} };
}

const shapes = {
  wide: () => Array.from({ length: N }, (_, i) => task(`t${i}`)),
  chain: () => Array.from({ length: N }, (_, i) => task(`t${i}`, i === 0 ? [] : [`t${i - 1}`])),
  layered: () => {
    const width = Math.round(N / LAYERS);
    const tasks = [];
    for (let layer = 0; layer < LAYERS; layer += 1) {
      for (let j = 0; j < width; j += 1) {
        const deps = layer === 0 ? [] : Array.from({ length: width }, (_, k) => `l${layer - 1}_${k}`);
        tasks.push(task(`l${layer}_${j}`, deps));
      }
    }
    return tasks;
  },
};

/** The baseline: the same DAG scheduled by a plain loop, no events, no disk. */
async function inMemory(tasks) {
  const remaining = new Map(tasks.map((t) => [t.id, t.depends_on.length]));
  const dependants = new Map(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of t.depends_on) dependants.get(d).push(t.id);
  const ready = tasks.filter((t) => t.depends_on.length === 0).map((t) => t.id);
  let running = 0;
  let done = 0;
  await new Promise((resolve) => {
    const pump = () => {
      while (running < CONCURRENCY && ready.length > 0) {
        const id = ready.shift();
        running += 1;
        noop.run({}, {}).then(() => {
          running -= 1;
          done += 1;
          for (const next of dependants.get(id)) {
            const left = remaining.get(next) - 1;
            remaining.set(next, left);
            if (left === 0) ready.push(next);
          }
          if (done === tasks.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

async function durable(name, tasks) {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-'));
  const store = createSqliteStore({ file: join(dir, 'bench.db'), synchronous: 'FULL' });
  const engine = createEngine({
    store,
    actions: { resolve: () => noop },
    config: { max_concurrent_tasks: CONCURRENCY, limits: { max_events_per_execution: 10 * N + 100 } },
  });
  await engine.start();
  await store.registry.addVersion({
    kind: 'workflow', ref: `bench.${name}`, pack_ref: 'bench', content_hash: name, source: '', file: 'x.yaml', origin: { source: 'local' },
    body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks },
  });
  let commits = 0;
  let commitMs = 0;
  const original = store.transaction.bind(store);
  // time inside transactions: the inserts, the projection update and COMMIT's fsync
  store.transaction = async (fn) => {
    commits += 1;
    const t = performance.now();
    try {
      return await original(fn);
    } finally {
      commitMs += performance.now() - t;
    }
  };
  const started = performance.now();
  const run = await engine.startExecution({ workflow_ref: `bench.${name}`, input: {} });
  const done = await engine.waitForCompletion(run.id);
  const ms = performance.now() - started;
  if (done.status !== 'completed') throw new Error(`${name}: ${done.status} ${JSON.stringify(done.error)}`);
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, commits, commitMs, events: done.last_seq };
}

console.log(`engine bench: ${N} no-op tasks per shape, concurrency ${CONCURRENCY}, SQLite WAL synchronous=FULL`);
for (const [name, build] of Object.entries(shapes)) {
  if (ONLY !== undefined && name !== ONLY) continue;
  const tasks = build();
  const t0 = performance.now();
  await inMemory(tasks);
  const memMs = performance.now() - t0;
  const { ms, commits, commitMs, events } = await durable(name, tasks);
  const rate = Math.round((tasks.length / ms) * 1000);
  const memRate = Math.round((tasks.length / memMs) * 1000);
  console.log(
    `${name.padEnd(8)} durable ${String(rate).padStart(7)} tasks/s (${ms.toFixed(0)} ms, ${events} events, ${commits} commits, ` +
      `${(events / commits).toFixed(1)} events/commit, ${((commitMs / ms) * 100).toFixed(0)}% in commits) | ` +
      `in-memory ${memRate} tasks/s | ratio ${(memRate / rate).toFixed(1)}x`,
  );
}
