// Retention's batch cost: N finished executions of 20 events each (and a checkpoint, state and
// two log lines each) purged by ExecutionRepo.purgeFinished in batches of B, on a SQLite file
// (synchronous FULL, as `serve` runs it) and on PostgreSQL. On SQLite a batch is one synchronous
// transaction, so its wall time is how long it holds the event loop; CPU is this process's
// (process.cpuUsage), and on PostgreSQL also its backend's (/proc, same host).
// Run: npm run build && node bench/purge.mjs [--executions 1000] [--rounds 3] [--backend sqlite|postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { backendCpu, cpuSince } from './lib-pg-backends.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const N = arg('--executions', 1000);
const ROUNDS = arg('--rounds', 3);
const EVENTS = 20;
const URL = process.env.HARMONIA_BENCH_DATABASE_URL || process.env.HARMONIA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BATCHES = [1000, 200, 50];
const ONLY = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : null;

async function fill(store) {
  for (let i = 0; i < N; i += 1) {
    const id = `e${String(i).padStart(6, '0')}`;
    const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    await store.transaction(async (tx) => {
      await tx.executions.createExecution({ id, workflow_id: 'w', workflow_ref: 'bench.purge', workflow_version: 1, status: 'completed', input: { i }, output: { ok: true }, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: at, last_seq: EVENTS });
      await tx.executions.appendEvents(Array.from({ length: EVENTS }, (_, s) => ({ event_type: 'task_completed', execution_id: id, workflow_id: 'w', task_id: `t${s}`, timestamp: at, seq: s + 1, data: { attempt: 1, output: { line: 'x'.repeat(200) } } })));
      await tx.executions.saveCheckpoint({ id: `cp-${id}`, execution_id: id, seq: 10, snapshot: { tasks: {} }, created_at: at });
      await tx.executions.saveState(id, { i });
      await tx.executions.appendLogs([0, 1].map((n) => ({ execution_id: id, task_id: 't0', attempt: 1, stream: 'stdout', at, line: `line ${n} of ${id}` })));
    });
  }
}

async function purgeAll(store, batch, cpuOf) {
  const walls = [];
  let after = null;
  const cpu0 = process.cpuUsage();
  const back0 = await cpuOf();
  let deleted = 0;
  do {
    const t0 = process.hrtime.bigint();
    const result = await store.executions.purgeFinished({ finished_before: '2027-01-01T00:00:00.000Z', statuses: ['completed', 'failed', 'canceled'], limit: batch, after, dry_run: false });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    deleted += result.deleted_ids.length;
    after = result.next;
  } while (after !== null);
  const cpu = process.cpuUsage(cpu0);
  const back = await cpuOf(back0);
  if (deleted !== N) throw new Error(`deleted ${deleted} of ${N}`);
  return { walls, cpuMs: (cpu.user + cpu.system) / 1000, backendMs: back };
}

const fmt = (n) => n.toFixed(1);
function report(backend, batch, runs) {
  const perBatch = runs.flatMap((r) => r.walls.slice(0, -1).length > 0 ? r.walls.slice(0, -1) : r.walls).sort((a, b) => a - b);
  const median = perBatch[Math.floor(perBatch.length / 2)];
  const max = perBatch.at(-1);
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const backend_ = runs.map((r) => r.backendMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  console.log(`${backend.padEnd(8)} batch ${String(batch).padStart(4)}: wall per batch median ${fmt(median)} ms (max ${fmt(max)}), process CPU for all ${N} ${fmt(cpu)} ms${backend_ === null ? '' : `, backend CPU ${fmt(backend_)} ms`}`);
}

for (const batch of ONLY === 'postgres' ? [] : BATCHES) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-purge-'));
    const store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'FULL' });
    await fill(store);
    runs.push(await purgeAll(store, batch, async () => null));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report('sqlite', batch, runs);
}

const admin = new pg.Pool({ connectionString: URL, max: 1 });
for (const batch of ONLY === 'sqlite' ? [] : BATCHES) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const schema = `bench_purge_${process.pid}_${r}`;
    const store = await createPostgresStore({ url: URL, schema, pool_size: 1, application_name: 'bench-purge' });
    await fill(store);
    const cpuOf = async (before) => {
      const now = await backendCpu(admin, 'bench-purge');
      return before === undefined ? now : cpuSince(before, now);
    };
    runs.push(await purgeAll(store, batch, cpuOf));
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  report('postgres', batch, runs);
}
await admin.end();
