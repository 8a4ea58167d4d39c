// Multi-node throughput: no-op DAG tasks on single-node SQLite, then on PostgreSQL with
// 1, 2 and 3 node processes sharing one database, then graphile-worker draining the same
// number of plain no-op jobs on the same database — all in one run.
// Each execution is a fan-out/fan-in: root → <width> parallel tasks → join.
// graphile-worker runs twice: with its defaults, and with its batched settings (a local
// queue of 500 jobs fetched at once, completions batched).
// Run: npm run build && node bench/scale.mjs [--tasks 10000] [--width 48] [--nodes 1,2,3] [--gw-concurrency 10]
// Database: HARMONIA_BENCH_DATABASE_URL, else HARMONIA_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
// Every run works in fresh schemas (bench_<random>) and drops them afterwards.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createNode } from '../dist/cluster/index.js';
import { createEngine } from '../dist/engine/index.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { arg, DATABASE_URL as URL, fanOutSize, insertPendingExecutions, noop, queueNoopJobs, registerFanOut, schemaName } from './lib-fan-out.mjs';

const { width: WIDTH, perExecution: PER_EXECUTION, executions: EXECUTIONS, tasks: TASKS } = fanOutSize(10_000);
const NODE_COUNTS = String(arg('nodes', '1,2,3')).split(',').map(Number);
const GW_CONCURRENCY = Number(arg('gw-concurrency', 10));
const actions = { resolve: () => noop };
const engineConfig = { limits: { max_events_per_execution: 10 * PER_EXECUTION + 100 } };

const register = (store) => registerFanOut(store, WIDTH);

const rate = (n, ms) => Math.round((n / ms) * 1000);

// ---- a node process: `node bench/scale.mjs --node <schema> <node id>` ----
async function nodeProcess(schema, nodeId) {
  const store = await createPostgresStore({ url: URL, schema, pool_size: 8, application_name: nodeId });
  const node = createNode({ store, actions, node_id: nodeId, claim_interval_ms: 50, config: engineConfig });
  await node.start();
  process.on('message', async (message) => {
    if (message.type !== 'stop') return;
    await node.close({ grace_ms: 0 });
    await store.close();
    process.send({ type: 'stopped' });
    process.disconnect();
  });
  process.send({ type: 'ready' });
}

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`a node process exited (${code}) before '${type}'`)));
  });
}

async function sqliteRun() {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-scale-'));
  const store = createSqliteStore({ file: join(dir, 'bench.db'), synchronous: 'FULL' });
  const engine = createEngine({ store, actions, config: engineConfig });
  await engine.start();
  await register(store);
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: EXECUTIONS }, () => engine.startExecution({ workflow_ref: 'bench.fan' })));
  const done = await Promise.all(runs.map((run) => engine.waitForCompletion(run.id)));
  const ms = performance.now() - started;
  if (done.some((run) => run.status !== 'completed')) throw new Error('an execution did not complete');
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function postgresRun(admin, nodes) {
  const schema = schemaName();
  const store = await createPostgresStore({ url: URL, schema, pool_size: 2 });
  const workflow = await register(store);
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: nodes }, (_, i) => fork(self, ['--node', schema, `bench-node-${i + 1}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  await Promise.all(children.map((child) => nextMessage(child, 'ready')));
  const started = performance.now();
  // Pending and unclaimed: whichever node has room claims each execution.
  await insertPendingExecutions(store, workflow, EXECUTIONS);
  for (;;) {
    const { rows } = await admin.query(`SELECT count(*) FILTER (WHERE status = 'completed') AS done, count(*) FILTER (WHERE status = 'failed') AS failed FROM ${schema}.executions`);
    if (Number(rows[0].failed) > 0) throw new Error('an execution failed');
    if (Number(rows[0].done) === EXECUTIONS) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ms = performance.now() - started;
  await Promise.all(children.map((child) => { child.send({ type: 'stop' }); return nextMessage(child, 'stopped'); }));
  await store.close();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  return ms;
}

async function graphileRun(admin, batched) {
  const { makeWorkerUtils, run } = await import('graphile-worker');
  const { schema, utils, taskList, allDone } = await queueNoopJobs(makeWorkerUtils, TASKS);
  const started = performance.now();
  const runner = await run({
    connectionString: URL, schema, concurrency: GW_CONCURRENCY, noHandleSignals: true, pollInterval: 100,
    // Its fast settings: fetch jobs in batches into a local queue, complete them in batches.
    ...(batched ? { preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } } : {}),
    logger: new (await import('graphile-worker')).Logger(() => () => undefined),
    taskList,
  });
  await allDone;
  const ms = performance.now() - started;
  await runner.stop();
  await utils.release();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  return ms;
}

async function main() {
  console.log(`scale bench: ${TASKS} no-op tasks as ${EXECUTIONS} executions of root → ${WIDTH} → join; PostgreSQL at ${URL.replace(/\/\/[^@]*@/, '//')}`);
  const results = [];
  const sqliteMs = await sqliteRun();
  results.push({ what: 'Harmonia, SQLite, 1 node', ms: sqliteMs });
  const admin = new pg.Pool({ connectionString: URL, max: 2 });
  for (const nodes of NODE_COUNTS) {
    results.push({ what: `Harmonia, PostgreSQL, ${nodes} node${nodes === 1 ? '' : 's'}`, ms: await postgresRun(admin, nodes) });
  }
  const gwDefault = { what: `graphile-worker, concurrency ${GW_CONCURRENCY}, its defaults`, ms: await graphileRun(admin, false) };
  const gwBatched = { what: `graphile-worker, concurrency ${GW_CONCURRENCY}, batched`, ms: await graphileRun(admin, true) };
  results.push(gwDefault, gwBatched);
  await admin.end();
  const ratio = (ms, base) => `${(base / ms).toFixed(2)}×`;
  const rows = [
    ['run', 'time ms', 'tasks/s', 'vs gw defaults', 'vs gw batched'],
    ...results.map(({ what, ms }) => [what, String(Math.round(ms)), String(rate(TASKS, ms)), ratio(ms, gwDefault.ms), ratio(ms, gwBatched.ms)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log('');
  console.log(line(rows[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
  console.log('Ratios are throughput relative to graphile-worker draining the same number of plain no-op jobs on the same');
  console.log('database (above 1× is faster). "its defaults": one job fetched per query, each completion its own statement.');
  console.log('"batched": a local queue of 500 jobs fetched at once and completions batched (preset.worker.localQueue,');
  console.log('completeJobBatchDelay: 0). Harmonia\'s figures are DAG tasks, each with a started and a completed event');
  console.log('committed durably and its execution\'s lease checked; graphile-worker\'s jobs keep no history.');
  console.log('Each figure here is one cold run (fresh processes, clocks of a few hundred ms on a shared machine): issue 16\'s');
  console.log('pg.tasks row is bench/pg-row.mjs, warm rounds of both sides alternated, with the same connections and concurrency.');
}

const [mode, schema, nodeId] = process.argv.slice(2);
if (mode === '--node') await nodeProcess(schema, nodeId);
else await main();
