// Durable waits: N executions that each wait for an approval, on SQLite, with only 10
// workflow slots (waits hold none), against a baseline measured in the same run: N
// executions of one core.noop task. Prints the time for all N to reach their wait, one
// GET /approvals listing (cold: folds every execution from the store; warm: cached), and
// deciding all N.
// Run: npm run build && node bench/waits.mjs [--executions 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../dist/engine/index.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';

const args = process.argv.slice(2);
const index = args.indexOf('--executions');
const N = index >= 0 ? Number(args[index + 1]) : 1000;
const admin = { id: 'bench', names: [], scopes: ['admin'] };
const body = (task) => ({ version: '1', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: 't', depends_on: [], input: {}, ...task }] });

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-waits-'));
const store = createSqliteStore({ file: join(dir, 'h.db') });
const engine = createEngine({ store, actions: { resolve: () => ({ run: async () => ({ status: 'success', data: {} }) }) }, config: { max_concurrent_workflows: 10 } });
await engine.start();
for (const [ref, task] of [['bench.noop', { action: 'core.noop' }], ['bench.gate', { action: 'core.approval', input: { message: 'ok?' } }]]) {
  await store.registry.addVersion({ kind: 'workflow', ref, pack_ref: 'bench', content_hash: ref, body: body(task), source: '', file: 'w.yaml', origin: { source: 'local' } });
}

/** Resolves once `count` events of `type` were published. */
function count(type, total) {
  let seen = 0;
  return new Promise((resolve) => {
    const off = engine.bus.subscribe({}, (event) => {
      if (event.event_type === type && ++seen === total) {
        off();
        resolve();
      }
    });
  });
}

let done = count('workflow_completed', N);
let t = performance.now();
for (let i = 0; i < N; i += 1) await engine.startExecution({ workflow_ref: 'bench.noop' });
await done;
const baseline = performance.now() - t;

const waiting = count('task_waiting', N);
t = performance.now();
const ids = [];
for (let i = 0; i < N; i += 1) ids.push((await engine.startExecution({ workflow_ref: 'bench.gate' })).id);
await waiting;
const toWait = performance.now() - t;
const capacity = engine.capacity();

// Cold: a second engine on the same store has folded nothing yet (as another node would).
const reader = createEngine({ store, actions: { resolve: () => ({ run: async () => ({ status: 'success', data: {} }) }) } });
t = performance.now();
const cold = await reader.listPendingApprovals({ limit: 50, offset: 0 });
const listCold = performance.now() - t;
t = performance.now();
await engine.listPendingApprovals({ limit: 50, offset: 0 });
const listWarm = performance.now() - t;

done = count('workflow_completed', N);
t = performance.now();
for (const id of ids) await engine.decideApproval(id, 't', 'approve', admin, null);
await done;
const deciding = performance.now() - t;

await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

const per = (ms) => `${((ms / N) * 1000).toFixed(0)} µs each`;
console.log(`executions: ${N}, max_concurrent_workflows: 10`);
console.log(`baseline (start and finish one core.noop each): ${baseline.toFixed(0)} ms (${per(baseline)})`);
console.log(`start and reach the approval wait: ${toWait.toFixed(0)} ms (${per(toWait)}, ${(toWait / baseline).toFixed(2)}x baseline); free slots while all wait: ${capacity} of 10`);
console.log(`GET /approvals page (total ${cold.total}): cold ${listCold.toFixed(0)} ms (${(listCold / baseline).toFixed(2)}x baseline), warm ${listWarm.toFixed(1)} ms`);
console.log(`approve each and finish: ${deciding.toFixed(0)} ms (${per(deciding)}, ${(deciding / baseline).toFixed(2)}x baseline)`);
