// The SQLite store's commit path alone, warm: ExecutionRepo.commitSteps of one execution's
// 10 task completions and 10 starts (the wide shape's commit), as the engine hands them over
// (fresh event objects each commit). 3,000 commits of warm-up, then 1,000 measured.
// Run: npm run build && node bench/commit-path-instructions.mjs [root]      (CPU µs per event)
//      valgrind --tool=callgrind --instr-atstart=no node --single-threaded \
//        bench/commit-path-instructions.mjs [root] --callgrind    (then Ir collected / 20,000 events)
// `root`: the checkout whose dist/ to load (default: this one), to alternate builds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join(fileURLToPath(import.meta.url), '..', '..'));
const { createSqliteStore } = await import(join(root, 'dist/store/sqlite/sqlite-store.js'));
const CALLGRIND = process.argv.includes('--callgrind');
const collect = (on) => CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'harmonia-commit-'));
// NORMAL: the fsync is the disk's, not the process's instructions
const store = createSqliteStore({ file: join(dir, 'bench.db'), synchronous: 'NORMAL' });
const id = '01a24819-2a79-7e39-ad8d-13c8315e6ab6';
const workflowId = '202e2752-a386-4200-9eaa-49e04cf29b59';
const created = new Date().toISOString();
await store.executions.createExecution({
  id, workflow_id: workflowId, workflow_ref: 'bench.commit', workflow_version: 1, status: 'running', input: {}, output: null, error: null,
  parent_execution_id: null, parent_task_id: null, created_at: created, updated_at: created, finished_at: null, last_seq: 0,
});
let seq = 0;
let ms = Date.now();
const commit = async () => {
  const timestamp = new Date(ms++).toISOString();
  const events = [];
  for (let i = 0; i < 10; i += 1) {
    seq += 1;
    events.push({ event_type: 'task_completed', task_id: `t${seq}`, data: { attempt: 1, output: {} }, execution_id: id, workflow_id: workflowId, timestamp, seq });
  }
  for (let i = 0; i < 10; i += 1) {
    seq += 1;
    events.push({ event_type: 'task_started', task_id: `t${seq}`, data: { attempt: 1, input: {} }, execution_id: id, workflow_id: workflowId, timestamp, seq });
  }
  await store.executions.commitSteps({ events, updates: [{ id, patch: { updated_at: timestamp, last_seq: seq } }], fenced: [], released: [] });
};
for (let i = 0; i < 3000; i += 1) await commit();
collect(true);
const usage0 = process.cpuUsage();
for (let i = 0; i < 1000; i += 1) await commit();
const usage = process.cpuUsage(usage0);
collect(false);
console.log(`commit path: ${((usage.user + usage.system) / 20000).toFixed(2)} µs CPU per event (20,000 events in 1,000 commits)`);
await store.close();
rmSync(dir, { recursive: true, force: true });
