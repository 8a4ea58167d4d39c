// What the database does per task: one in-process node drains the scale bench's no-op
// fan-out executions on PostgreSQL, then graphile-worker (batched) drains as many jobs, each
// in a fresh schema. Prints per task/job: statements sent (by kind), commits, WAL bytes,
// rows inserted / updated (HOT) / deleted and index entries written, from pg_stat counters
// and pg_current_wal_lsn() read before and after. The server is shared: run it on a quiet
// database or the WAL figure includes others' writes.
// With --sqlite it first runs the same executions in-process on SQLite (the engine with no
// cluster, driver or server): its CPU per task is the engine's share of the node's.
// Run: npm run build && node bench/pg-work.mjs [--tasks 5000] [--width 48] [--statements] [--sqlite] [--no-graphile]
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { backendCpu, cpuSince } from './lib-pg-backends.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createNode } from '../dist/cluster/index.js';
import { createEngine } from '../dist/engine/index.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { DATABASE_URL as URL, fanOutSize, hasFlag, insertPendingExecutions, noop, queueNoopJobs, registerFanOut, schemaName } from './lib-fan-out.mjs';

const { width: WIDTH, perExecution: PER_EXECUTION, executions: EXECUTIONS, tasks: TASKS } = fanOutSize(5000);

// Every statement any pg client of this process sends, by its first words.
const statements = new Map();
const originalQuery = pg.Client.prototype.query;
let counting = false;
pg.Client.prototype.query = function query(config, ...rest) {
  if (counting) {
    const text = typeof config === 'string' ? config : config?.text ?? '';
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    const entry = statements.get(key) ?? { n: 0, syncMs: 0, bytes: 0 };
    const params = Array.isArray(rest[0]) ? rest[0] : config?.values ?? [];
    for (const param of params) entry.bytes += Array.isArray(param) ? param.reduce((sum, v) => sum + String(v ?? '').length, 0) : String(param ?? '').length;
    entry.n += 1;
    statements.set(key, entry);
    const t0 = performance.now();
    try {
      return originalQuery.call(this, config, ...rest);
    } finally {
      entry.syncMs += performance.now() - t0;
    }
  }
  return originalQuery.call(this, config, ...rest);
};

const ownCpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
/** User and system CPU µs per task since `since` (a process.cpuUsage()). */
const cpuSplit = (since, units) => {
  const { user, system } = process.cpuUsage(since);
  return `user ${(user / units).toFixed(0)}, system ${(system / units).toFixed(0)}`;
};

async function counters(admin, schema) {
  const { rows: [wal] } = await admin.query('SELECT pg_current_wal_lsn()::text AS lsn');
  const { rows: tables } = await admin.query(
    `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del FROM pg_stat_user_tables WHERE schemaname = $1`, [schema]);
  const { rows: indexes } = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_user_indexes WHERE schemaname = $1`, [schema]);
  const { rows: [db] } = await admin.query(`SELECT xact_commit::bigint AS commits FROM pg_stat_database WHERE datname = current_database()`);
  return { lsn: wal.lsn, tables, indexCount: indexes[0].n, commits: Number(db.commits) };
}

// Backends report their table counters when idle a second or when they exit: wait for
// the run's connections to be gone before reading them.
async function settledCounters(admin, schema, name) {
  while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [name])).rowCount > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return counters(admin, schema);
}

// Index entries written: every insert adds one per index; a non-HOT update one per index too.
async function indexesOf(admin, schema) {
  const { rows } = await admin.query(
    `SELECT t.relname, count(*)::int AS n FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
     WHERE s.nspname = $1 GROUP BY t.relname`, [schema]);
  return new Map(rows.map((row) => [row.relname, row.n]));
}

async function report(admin, what, schema, before, after, units, ms, cpu) {
  const { rows: [{ bytes }] } = await admin.query('SELECT pg_wal_lsn_diff($1, $2)::bigint AS bytes', [after.lsn, before.lsn]);
  const indexes = await indexesOf(admin, schema);
  const per = (n) => (n / units).toFixed(2);
  console.log(`\n${what}: ${units} in ${Math.round(ms)} ms (${Math.round((units / ms) * 1000)}/s)`);
  console.log(`  CPU µs per unit: this process ${((cpu.own / units) * 1000).toFixed(0)}, PostgreSQL backends ${((cpu.server / units) * 1000).toFixed(0)}`);
  console.log(`  commits ${per(after.commits - before.commits)}, WAL bytes ${per(Number(bytes))} per unit`);
  let entries = 0;
  for (const table of after.tables) {
    const old = before.tables.find((row) => row.relname === table.relname) ?? { ins: 0, upd: 0, hot: 0, del: 0 };
    const ins = table.ins - old.ins, upd = table.upd - old.upd, hot = table.hot - old.hot, del = table.del - old.del;
    if (ins + upd + del === 0) continue;
    const n = indexes.get(table.relname) ?? 0;
    entries += (ins + (upd - hot)) * n;
    console.log(`  ${table.relname.padEnd(22)} inserted ${per(ins)}, updated ${per(upd)} (HOT ${per(hot)}), deleted ${per(del)}, indexes ${n}`);
  }
  console.log(`  index entries written ${per(entries)} per unit`);
}

async function harmonia(admin) {
  const schema = schemaName();
  const store = await createPostgresStore({ url: URL, schema, pool_size: 8, application_name: 'pg-work' });
  const workflow = await registerFanOut(store, WIDTH);
  await insertPendingExecutions(store, workflow, EXECUTIONS);
  const node = createNode({ store, actions: { resolve: () => noop }, node_id: 'work-1', claim_interval_ms: 50, config: { limits: { max_events_per_execution: 10 * PER_EXECUTION + 100 } } });
  const before = await counters(admin, schema);
  counting = true;
  const cpu0 = ownCpu();
  const usage0 = process.cpuUsage();
  const started = performance.now();
  await node.start();
  const server0 = await backendCpu(admin, 'pg-work');
  for (;;) {
    const { rows } = await admin.query(`SELECT count(*) FILTER (WHERE status = 'completed') AS done FROM ${schema}.executions`);
    if (Number(rows[0].done) === EXECUTIONS) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ms = performance.now() - started;
  const cpu = { own: ownCpu() - cpu0, server: cpuSince(server0, await backendCpu(admin, 'pg-work')) };
  const split = cpuSplit(usage0, TASKS);
  counting = false;
  await node.close({ grace_ms: 0 });
  await store.close();
  const after = await settledCounters(admin, schema, 'pg-work');
  await report(admin, `Harmonia, one node, ${EXECUTIONS} executions`, schema, before, after, TASKS, ms, cpu);
  console.log(`  this process, CPU µs per task: ${split} (the node's start, its renewal thread's included)`);
  const { rows: [sizes] } = await admin.query(`SELECT avg(pg_column_size(event))::int AS event, avg(pg_column_size(e.*))::int AS row FROM ${schema}.execution_events e`);
  console.log(`  event JSON ${sizes.event} bytes on average, whole event row ${sizes.row} bytes`);
  if (hasFlag('statements')) {
    console.log('  statements per task:');
    console.log('    per task  count  sync ms  param bytes');
    for (const [key, { n, syncMs, bytes }] of [...statements].sort((a, b) => b[1].n - a[1].n)) {
      console.log(`    ${(n / TASKS).toFixed(3).padStart(7)} ${String(n).padStart(6)} ${syncMs.toFixed(1).padStart(8)} ${String(bytes).padStart(9)}  ${key}`);
    }
  }
  if (hasFlag('keep')) console.log(`  kept schema ${schema}`);
  else await admin.query(`DROP SCHEMA ${schema} CASCADE`);
}

async function graphile(admin) {
  const { makeWorkerUtils, run, Logger } = await import('graphile-worker');
  const { schema, utils, taskList, allDone } = await queueNoopJobs(makeWorkerUtils, TASKS);
  const before = await counters(admin, schema);
  const cpu0 = ownCpu();
  const started = performance.now();
  const runner = await run({
    connectionString: `${URL}${URL.includes('?') ? '&' : '?'}application_name=pg-work-gw`, schema, concurrency: 10, noHandleSignals: true, pollInterval: 100,
    preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } },
    logger: new Logger(() => () => undefined),
    taskList,
  });
  await allDone;
  const ms = performance.now() - started;
  const cpu = { own: ownCpu() - cpu0, server: cpuSince(new Map(), await backendCpu(admin, 'pg-work-gw')) };
  await runner.stop();
  const after = await settledCounters(admin, schema, 'pg-work-gw');
  await report(admin, 'graphile-worker, batched', schema, before, after, TASKS, ms, cpu);
  await utils.release();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
}

// The same executions in-process on SQLite (synchronous FULL, as engine.wide): the engine alone.
async function sqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-pg-work-'));
  const store = createSqliteStore({ file: join(dir, 'bench.db'), synchronous: 'FULL' });
  const engine = createEngine({ store, actions: { resolve: () => noop }, config: { limits: { max_events_per_execution: 10 * PER_EXECUTION + 100 } } });
  await engine.start();
  await registerFanOut(store, WIDTH);
  const usage0 = process.cpuUsage();
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: EXECUTIONS }, () => engine.startExecution({ workflow_ref: 'bench.fan' })));
  await Promise.all(runs.map((run) => engine.waitForCompletion(run.id)));
  const ms = performance.now() - started;
  console.log(`\nHarmonia in-process on SQLite, ${EXECUTIONS} executions: ${TASKS} in ${Math.round(ms)} ms (${Math.round((TASKS / ms) * 1000)}/s)`);
  console.log(`  CPU µs per task: ${cpuSplit(usage0, TASKS)}`);
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

if (hasFlag('sqlite')) await sqlite();
const admin = new pg.Pool({ connectionString: URL, max: 1 });
await harmonia(admin);
if (!hasFlag('no-graphile')) await graphile(admin);
await admin.end();
