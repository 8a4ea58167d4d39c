// Issue 16's pg.tasks row: one Harmonia node against graphile-worker (batched) on the same
// database, as a fair and repeatable pair.
//
// Both sides run as long-lived worker processes of their own (a Harmonia node; a
// graphile-worker runner), started and idle before the clock runs, as graphile-worker's own
// perfTest runs its worker in processes of their own and takes their start-up out. Each round
// the parent queues the work in one transaction (200 pending fan-out executions of
// root → 48 → join; 10,000 plain no-op jobs via one add_jobs call), starts the clock as it
// queues, and stops it when the database says it is all done (every execution `completed`;
// the jobs table empty), polling both the same way. One warm-up round each (unmeasured: it
// pays each process's JIT compilation), then rounds alternating which side goes first, so a
// busy minute on this shared machine falls on both. The row is the median of each side.
//
// Both get the same connections and concurrency: graphile-worker's pool is as large as the
// node's connections counted in pg_stat_activity during the warm-up, and its concurrency is
// the node's tasks in flight (max_concurrent_workflows × max_concurrent_tasks, capped by the
// round's work), with the local queue at least concurrency + 1 as its docs advise. The
// server's durability is the same for both (one database, synchronous_commit as set there).
// CPU per task of each worker process (process.cpuUsage) and of its backends (/proc) is read
// around every round.
// Run: npm run build && node bench/pg-row.mjs [--tasks 10000] [--width 48] [--rounds 5] [--gw-concurrency N] [--gw-pool N]
import { fork } from 'node:child_process';
import { backendCpu, cpuSince } from './lib-pg-backends.mjs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createNode } from '../dist/cluster/index.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { arg, DATABASE_URL as URL, fanOutSize, insertPendingExecutions, noop, registerFanOut, schemaName } from './lib-fan-out.mjs';

const { width: WIDTH, perExecution: PER_EXECUTION, executions: EXECUTIONS, tasks: TASKS } = fanOutSize(10_000);
const ROUNDS = Number(arg('rounds', 5));
const NODE_APP = 'pg-row-node';
const GW_APP = 'pg-row-gw';
// The engine's defaults, as the node runs them: executions at once, and tasks of each at once.
const MAX_WORKFLOWS = 100;
const MAX_TASKS = 10;
const withApp = (url, name) => `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;

// ---- the worker processes: `node bench/pg-row.mjs --child node|gw <schema> [concurrency pool]` ----
async function nodeChild(schema) {
  const started = performance.now();
  const store = await createPostgresStore({ url: URL, schema, pool_size: 8, application_name: NODE_APP });
  const node = createNode({
    store, actions: { resolve: () => noop }, node_id: 'pg-row-1', claim_interval_ms: 50,
    config: { max_concurrent_workflows: MAX_WORKFLOWS, max_concurrent_tasks: MAX_TASKS, limits: { max_events_per_execution: 10 * PER_EXECUTION + 100 } },
  });
  await node.start();
  serve(performance.now() - started, async () => {
    await node.close({ grace_ms: 0 });
    await store.close();
  });
}

async function graphileChild(schema, concurrency, pool) {
  const { run, Logger } = await import('graphile-worker');
  const started = performance.now();
  const runner = await run({
    connectionString: withApp(URL, GW_APP), schema, concurrency, maxPoolSize: pool, noHandleSignals: true, pollInterval: 100,
    preset: { worker: { localQueue: { size: Math.max(500, concurrency + 1) }, completeJobBatchDelay: 0 } },
    logger: new Logger(() => () => undefined),
    taskList: { noop: async () => undefined },
  });
  serve(performance.now() - started, () => runner.stop());
}

/** Answers the parent: ready once (with how long the start took), CPU on request, and stops on request. */
function serve(startMs, stop) {
  process.on('message', async (message) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ type: 'cpu', ms: (user + system) / 1000 });
    } else if (message.type === 'stop') {
      await stop();
      process.send({ type: 'stopped' });
      process.disconnect();
    }
  });
  process.send({ type: 'ready', startMs });
}

// ---- the parent ----
function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`a worker process exited (${code}) before '${type}'`));
    const onMessage = (message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function childCpu(child) {
  const reply = nextMessage(child, 'cpu');
  child.send({ type: 'cpu' });
  return (await reply).ms;
}


const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one round on one side: queue, wait until the database says done; wall ms and CPU µs per task. */
async function round(admin, side) {
  const own0 = await childCpu(side.child);
  const server0 = await backendCpu(admin, side.app);
  const started = performance.now();
  await side.queue();
  while (!(await side.done())) await pause(10);
  const ms = performance.now() - started;
  const own = (await childCpu(side.child)) - own0;
  const server = cpuSince(server0, await backendCpu(admin, side.app));
  return { ms, rate: Math.round((TASKS / ms) * 1000), ownUs: (own / TASKS) * 1000, serverUs: (server / TASKS) * 1000 };
}

function harmoniaSide(admin, store, workflow, schema) {
  let target = 0;
  return {
    name: 'Harmonia, one node', app: NODE_APP,
    queue: async () => {
      target += EXECUTIONS;
      await insertPendingExecutions(store, workflow, EXECUTIONS);
    },
    done: async () => {
      const { rows } = await admin.query(`SELECT count(*) FILTER (WHERE status = 'completed')::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM ${schema}.executions`);
      if (rows[0].failed > 0) throw new Error('an execution failed');
      return rows[0].done === target;
    },
  };
}

function graphileSide(admin, utils, schema) {
  return {
    name: 'graphile-worker, batched', app: GW_APP,
    // One add_jobs call: one statement, one transaction, as the executions are inserted.
    queue: () => utils.addJobs(Array.from({ length: TASKS }, () => ({ identifier: 'noop', payload: {} }))),
    done: async () => (await admin.query(`SELECT NOT EXISTS (SELECT 1 FROM ${schema}._private_jobs) AS done`)).rows[0].done,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const self = fileURLToPath(import.meta.url);
  const admin = new pg.Pool({ connectionString: URL, max: 1 });
  const { rows: [settings] } = await admin.query("SELECT current_setting('synchronous_commit') AS sync, current_setting('fsync') AS fsync");

  const hSchema = schemaName();
  const store = await createPostgresStore({ url: URL, schema: hSchema, pool_size: 2, application_name: 'pg-row-parent' });
  const workflow = await registerFanOut(store, WIDTH);
  const nodeChildProcess = fork(self, ['--child', 'node', hSchema, '0', '0', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { startMs: nodeStartMs } = await nextMessage(nodeChildProcess, 'ready');
  const harmonia = { ...harmoniaSide(admin, store, workflow, hSchema), child: nodeChildProcess };

  // The node's warm-up round, then its connections, which graphile-worker's pool then matches.
  const warmH = await round(admin, harmonia);
  const { rows: [{ n: nodeConnections }] } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [NODE_APP]);
  const inFlight = Math.min(EXECUTIONS, MAX_WORKFLOWS) * Math.min(WIDTH, MAX_TASKS);
  const gwConcurrency = Number(arg('gw-concurrency', inFlight));
  const gwPool = Number(arg('gw-pool', nodeConnections));

  const { makeWorkerUtils } = await import('graphile-worker');
  const gSchema = schemaName();
  const utils = await makeWorkerUtils({ connectionString: withApp(URL, 'pg-row-parent'), schema: gSchema });
  await utils.migrate();
  const gwChildProcess = fork(self, ['--child', 'gw', gSchema, String(gwConcurrency), String(gwPool), ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { startMs: gwStartMs } = await nextMessage(gwChildProcess, 'ready');
  const graphile = { ...graphileSide(admin, utils, gSchema), child: gwChildProcess };
  const warmG = await round(admin, graphile);
  const { rows: [{ n: gwConnections }] } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [GW_APP]);

  console.log(`pg-row: ${TASKS} no-op tasks a round as ${EXECUTIONS} executions of root → ${WIDTH} → join, against ${TASKS} no-op jobs; ${ROUNDS} rounds after one warm-up each`);
  console.log(`database: synchronous_commit ${settings.sync}, fsync ${settings.fsync}; connections: node ${nodeConnections}, graphile-worker ${gwConnections} (pool ${gwPool}); in flight: node up to ${inFlight} tasks, graphile-worker concurrency ${gwConcurrency}`);
  const line = (what, r) => console.log(`  ${what.padEnd(34)} ${String(Math.round(r.ms)).padStart(6)} ms ${String(r.rate).padStart(7)}/s   CPU µs per task: process ${r.ownUs.toFixed(0).padStart(4)}, backends ${r.serverUs.toFixed(0).padStart(4)}`);
  console.log(`start-up (not timed in any round): node ${Math.round(nodeStartMs)} ms, graphile-worker run() ${Math.round(gwStartMs)} ms`);
  line('warm-up (fresh process), Harmonia', warmH);
  line('warm-up (fresh process), graphile', warmG);

  const results = { h: [], g: [] };
  for (let i = 0; i < ROUNDS; i += 1) {
    const order = i % 2 === 0 ? [['h', harmonia], ['g', graphile]] : [['g', graphile], ['h', harmonia]];
    for (const [key, side] of order) {
      const r = await round(admin, side);
      results[key].push(r);
      line(`round ${i + 1}, ${side.name}`, r);
    }
  }
  const h = median(results.h.map((r) => r.rate));
  const g = median(results.g.map((r) => r.rate));
  const pairRatios = results.h.map((r, i) => r.rate / results.g[i].rate);
  console.log(`median: Harmonia ${h} tasks/s, graphile-worker ${g} jobs/s, ratio ${(h / g).toFixed(3)} (each round's own ratio: ${pairRatios.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`median CPU µs per task: Harmonia process ${median(results.h.map((r) => r.ownUs)).toFixed(0)}, backends ${median(results.h.map((r) => r.serverUs)).toFixed(0)}; graphile-worker process ${median(results.g.map((r) => r.ownUs)).toFixed(0)}, backends ${median(results.g.map((r) => r.serverUs)).toFixed(0)}`);
  // Throughput if the node (or worker) and its backends had the machine to themselves, one after the other: load-independent.
  const cpuH = median(results.h.map((r) => r.ownUs + r.serverUs));
  const cpuG = median(results.g.map((r) => r.ownUs + r.serverUs));
  console.log(`CPU per task, process and backends together: Harmonia ${cpuH.toFixed(0)} µs, graphile-worker ${cpuG.toFixed(0)} µs; ratio by CPU ${(cpuG / cpuH).toFixed(3)}`);
  const { rows: vacuums } = await admin.query(
    `SELECT schemaname AS schema, relname AS name, autovacuum_count AS vacuums, autoanalyze_count AS analyzes, n_dead_tup AS dead FROM pg_stat_user_tables
     WHERE schemaname IN ($1, $2) AND (autovacuum_count > 0 OR autoanalyze_count > 0)`, [hSchema, gSchema]);
  console.log(`autovacuum during the run: ${vacuums.map((v) => `${v.schema === gSchema ? 'graphile' : 'harmonia'}.${v.name} vacuumed ${v.vacuums}, analyzed ${v.analyzes}`).join('; ') || 'none'}`);
  console.log(`BENCH ${JSON.stringify({
    row: 'pg.tasks', value: h, unit: 'tasks/s', baseline: g, baselineUnit: `jobs/s (graphile-worker batched, same database and concurrency; warm median of ${ROUNDS})`,
    ratio: Number((h / g).toFixed(3)), target: 'ratio >= 0.5', cpuRatio: Number((cpuG / cpuH).toFixed(3)), note: `load ${os.loadavg()[0].toFixed(1)}`,
  })}`);

  for (const child of [nodeChildProcess, gwChildProcess]) {
    const stopped = nextMessage(child, 'stopped');
    child.send({ type: 'stop' });
    await stopped;
  }
  await utils.release();
  await store.close();
  await admin.query(`DROP SCHEMA ${hSchema} CASCADE`);
  await admin.query(`DROP SCHEMA ${gSchema} CASCADE`);
  await admin.end();
}

const [mode, kind, schema, concurrency, pool] = process.argv.slice(2);
if (mode === '--child' && kind === 'node') await nodeChild(schema);
else if (mode === '--child' && kind === 'gw') await graphileChild(schema, Number(concurrency), Number(pool));
else await main();
