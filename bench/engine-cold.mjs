// The timed window of bench/engine.mjs's durable() alone: one cold 10,000-task execution
// (wide or layered 100 x 100) in a fresh process, with what its start costs apart.
//   CG=1: callgrind's collection is on only around startExecution → completion, with a dump
//     when startExecution returns (its start) and one at the end (the rest)
//   WARM=K: K executions of the same workflow first (the warm figure for the same window)
//   SOURCE=1: the version's source text as large as its body (a pack's YAML is about that), not ''
//   out: a .cpuprofile of the window (the inspector's sampling profiler, INTERVAL µs)
// Run: npm run build && node bench/engine-cold.mjs [root] [wide|layered] [out.cpuprofile] [synchronous]
//      CG=1 valgrind --tool=callgrind --instr-atstart=no node --single-threaded bench/engine-cold.mjs . wide "" FULL
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [rootArg = '.', shape = 'wide', out = '', sync = 'FULL'] = process.argv.slice(2);
const root = pathToFileURL(resolve(rootArg)).href;
const { createEngine } = await import(`${root}/dist/engine/index.js`);
const { createSqliteStore } = await import(`${root}/dist/store/sqlite/sqlite-store.js`);
const N = 10_000;
const task = (id, depends_on = []) => ({ id, action: 'bench.noop', depends_on, input: {} });
function layered() {
  const tasks = [];
  for (let layer = 0; layer < 100; layer += 1) {
    for (let j = 0; j < 100; j += 1) tasks.push(task(`l${layer}_${j}`, layer === 0 ? [] : Array.from({ length: 100 }, (_, k) => `l${layer - 1}_${k}`)));
  }
  return tasks;
}
const tasks = shape === 'wide' ? Array.from({ length: N }, (_, i) => task(`t${i}`)) : layered();
const noop = { run: async () => ({ status: 'success', data: {} }) };
const dir = mkdtempSync(join(tmpdir(), 'engine-cold-'));
const store = createSqliteStore({ file: join(dir, 'bench.db'), synchronous: sync });
const engine = createEngine({ store, actions: { resolve: () => noop }, config: { max_concurrent_tasks: 10, limits: { max_events_per_execution: 10 * N + 100 } } });
await engine.start();
const body = { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks };
await store.registry.addVersion({
  kind: 'workflow', ref: 'bench.cold', pack_ref: 'bench', content_hash: shape, source: process.env.SOURCE ? JSON.stringify(body, null, 1) : '', file: 'x.yaml', origin: { source: 'local' },
  body,
});
for (let w = 0; w < Number(process.env.WARM ?? 0); w += 1) {
  const run = await engine.startExecution({ workflow_ref: 'bench.cold', input: {} });
  await engine.waitForCompletion(run.id);
}
const callgrind = (...args) => process.env.CG && execFileSync('callgrind_control', [...args, String(process.pid)], { stdio: 'ignore' });
const session = new Session();
session.connect();
if (out) {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.INTERVAL ?? 200) });
  await session.post('Profiler.start');
}
callgrind('-i', 'on');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = await engine.startExecution({ workflow_ref: 'bench.cold', input: {} });
const startMs = performance.now() - t0;
const startCpu = process.cpuUsage(cpu0);
callgrind('-d', 'start');
const done = await engine.waitForCompletion(run.id);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
callgrind('-d', 'rest');
callgrind('-i', 'off');
if (out) writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
console.log(
  `${shape} ${done.status}: start ${startMs.toFixed(1)} ms wall, ${((startCpu.user + startCpu.system) / 1000).toFixed(1)} ms CPU; ` +
    `${((N / ms) * 1000).toFixed(0)} tasks/s, ${((cpu.user + cpu.system) / N).toFixed(1)} µs CPU per task`,
);
await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
