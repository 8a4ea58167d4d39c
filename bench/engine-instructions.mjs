// One execution's cost per task with the JIT warmed up: K warm-up executions of the same
// workflow in the same engine, then one measured.
//   --callgrind: callgrind's collection is switched on only around the measured execution
//   --split: where each commit's time goes (BEGIN, each statement, COMMIT, the rest of the
//     transaction) and the time between commits, against a raw better-sqlite3 loop committing
//     the same rows in the same commits, in the same process (wall time: read it on a quiet box)
// Run: npm run build && node bench/engine-instructions.mjs --shape wide --tasks 3000 --warmup 2 [--split]
//      valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \
//        node --single-threaded bench/engine-instructions.mjs --tasks 3000 --warmup 2 --callgrind
//      (then the Ir total of the dump / tasks; --single-threaded compiles on the main thread,
//      so the warm-up, not the measured execution, holds the JIT's work)
//   --shape many: what a server pays per execution: each round runs --executions small wide
//     executions of --per tasks, --at-once of them at a time; --warmup rounds, then one measured
//     (per-task figures divide by executions × per)
//   --marks: prints a line before each execution and around the measured part (to cut
//     --trace-opt/--trace-deopt output)
//   --gc-between: a full collection before each execution (run node with --expose-gc), as an
//     idle server's memory reducer does between bursts: what the next execution recompiles then
//   --keeper: one more execution, started first, whose one task runs until the end: the engine
//     is never idle (as a server with work in flight)
//   --secret: the workflow declares a secret input and every task's input quotes it, so the
//     engine's masker knows a secret (and its derived forms) and masks it in every task_started
//     event: what masking by value costs on the commit path when there is something to hide
//   --store postgres: the same engine on a PostgreSQL store (a fresh schema of
//     HARMONIA_TEST_DATABASE_URL, dropped after), no cluster: against the SQLite run, what the
//     PostgreSQL path (store, driver) costs the process per task. Not with --split.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createEngine } from '../dist/engine/index.js';
import { createNode } from '../dist/cluster/index.js';
import { randomUUID } from 'node:crypto';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import pg from 'pg';
import { DATABASE_URL, schemaName } from './lib-fan-out.mjs';
import { countCommits, cpuMs, rawCommits, readRows } from './raw-sqlite.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const N = Number(arg('tasks', 3000));
const WARMUP = Number(arg('warmup', 2));
const SHAPE = arg('shape', 'wide');
// --executions E: for --shape many, executions per round (default 20); for the other shapes,
// E executions of the shape at once, warm-ups and measured alike (fan: root, N - 2 parallel
// tasks, join; E = 200, N = 50 is pg-work.mjs's workload)
const EXECUTIONS = Number(arg('executions', SHAPE === 'many' ? 20 : 1));
const PER = Number(arg('per', 100));
const AT_ONCE = Number(arg('at-once', 1));
const MARKS = args.includes('--marks');
const GC_BETWEEN = args.includes('--gc-between');
const KEEPER = args.includes('--keeper');
const TASKS = SHAPE === 'many' ? EXECUTIONS * PER : N * EXECUTIONS;
const SYNCHRONOUS = arg('synchronous', 'FULL');
const CALLGRIND = args.includes('--callgrind');
const SPLIT = args.includes('--split');
const POSTGRES = arg('store', 'sqlite') === 'postgres';
// --cluster (with --store postgres): a cluster node (createNode) instead of a bare engine; each
// round inserts its executions pending and unclaimed, as pg-work.mjs does, and the node claims them.
const CLUSTER = args.includes('--cluster');
if (CLUSTER && !POSTGRES) throw new Error('--cluster needs --store postgres');
if (POSTGRES && SPLIT) throw new Error('--split measures SQLite only');
const collect = (on) => CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });

const SECRET = args.includes('--secret');
const SECRET_INPUT = { deploy: { type: 'string', secret: true } };
const task = (id, depends_on = []) => ({ id, action: 'bench.noop', depends_on, input: SECRET ? { target: 'deploy with ${input.deploy}' } : {} });
/** wide: N independent tasks; layered: 10 layers, each task depending on every task of the layer before. */
function tasksOf(shape) {
  if (shape === 'many') return Array.from({ length: PER }, (_, i) => task(`t${i}`));
  if (shape === 'wide') return Array.from({ length: N }, (_, i) => task(`t${i}`));
  if (shape === 'fan') {
    const middle = Array.from({ length: N - 2 }, (_, i) => task(`m${i}`, ['root']));
    return [task('root'), ...middle, task('join', middle.map((t) => t.id))];
  }
  const layers = 10;
  const width = Math.round(N / layers);
  const tasks = [];
  for (let layer = 0; layer < layers; layer += 1) {
    for (let j = 0; j < width; j += 1) {
      tasks.push(task(`l${layer}_${j}`, layer === 0 ? [] : Array.from({ length: width }, (_, k) => `l${layer - 1}_${k}`)));
    }
  }
  return tasks;
}

/** Wall time of BEGIN, COMMIT and each statement while `on`, by its SQL's first words. */
const spent = new Map();
let timing = false;
const timed = (key, fn) => {
  if (!timing) return fn();
  const started = performance.now();
  try {
    return fn();
  } finally {
    const entry = spent.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - started;
    entry.calls += 1;
    spent.set(key, entry);
  }
};
if (SPLIT) {
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (sql) {
    const word = sql.trim().split(/\s/)[0];
    return word === 'BEGIN' || word === 'COMMIT' ? timed(word, () => exec.call(this, sql)) : exec.call(this, sql);
  };
  const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1'));
  const run = statement.run;
  statement.run = function (...params) {
    const kind = /^(INSERT INTO execution_events|UPDATE executions)/.exec(this.source)?.[1];
    return kind === undefined ? run.apply(this, params) : timed(kind, () => run.apply(this, params));
  };
}
const report = (label, commits, totalMs, inTransactionMs) => {
  const parts = [...spent].map(([key, { ms, calls }]) => `${key}: ${((ms * 1000) / commits).toFixed(0)} µs (${(calls / commits).toFixed(1)}×)`);
  const statements = [...spent.values()].reduce((sum, { ms }) => sum + ms, 0);
  const rest = inTransactionMs === null ? '' : `, rest of the transaction ${(((inTransactionMs - statements) * 1000) / commits).toFixed(0)} µs, between commits ${(((totalMs - inTransactionMs) * 1000) / commits).toFixed(0)} µs`;
  console.log(`${label}: ${((totalMs * 1000) / commits).toFixed(0)} µs per commit (${commits} commits) = ${parts.join(', ')}${rest}`);
  spent.clear();
};

const noop = { run: async () => ({ status: 'success', data: {} }) };
let release = () => undefined;
const blocked = { run: () => new Promise((resolve) => (release = () => resolve({ status: 'success', data: {} }))) };
const dir = mkdtempSync(join(tmpdir(), 'harmonia-instr-'));
const file = join(dir, 'bench.db');
const SCHEMA = schemaName();
const store = POSTGRES ? await createPostgresStore({ url: DATABASE_URL, schema: SCHEMA, pool_size: 8 }) : createSqliteStore({ file, synchronous: SYNCHRONOUS });
const engineOptions = {
  store,
  actions: { resolve: (task) => (task.action === 'bench.block' ? blocked : noop) },
  config: { max_concurrent_tasks: 10, limits: { max_events_per_execution: 10 * N + 100 } },
};
const node = CLUSTER ? createNode({ ...engineOptions, node_id: 'instr-1', claim_interval_ms: 50 }) : null;
const engine = node ? node.engine : createEngine(engineOptions);
await (node ?? engine).start();
const workflow = await store.registry.addVersion({
  kind: 'workflow', ref: 'bench.instr', pack_ref: 'bench', content_hash: SHAPE, source: '', file: 'x.yaml', origin: { source: 'local' },
  body: { version: '1.0.0', input: SECRET ? SECRET_INPUT : {}, context: {}, output: {}, error_handlers: [], tasks: tasksOf(SHAPE) },
});
let keeper = null;
if (KEEPER) {
  await store.registry.addVersion({
    kind: 'workflow', ref: 'bench.keeper', pack_ref: 'bench', content_hash: 'keeper', source: '', file: 'k.yaml', origin: { source: 'local' },
    body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: 'hold', action: 'bench.block', depends_on: [], input: {} }] },
  });
  keeper = await engine.startExecution({ workflow_ref: 'bench.keeper', input: {} });
}
let executionsStarted = 0;
const one = async () => {
  if (GC_BETWEEN) globalThis.gc();
  if (MARKS) console.log(`--- execution ${++executionsStarted}`);
  const run = await engine.startExecution({ workflow_ref: 'bench.instr', input: SECRET ? { deploy: 'bench-s3cr3t-0123456789abcdef' } : {} });
  const done = await engine.waitForCompletion(run.id);
  if (done.status !== 'completed') throw new Error(`${done.status} ${JSON.stringify(done.error)}`);
  return run.id;
};
/** Inserts the round's executions pending and unclaimed (the node claims them) and waits for them. */
const claimed = async () => {
  const at = new Date().toISOString();
  const ids = Array.from({ length: EXECUTIONS }, () => randomUUID());
  await store.transaction(async (tx) => {
    for (const id of ids) {
      await tx.executions.createExecution({
        id, workflow_id: workflow.id, workflow_ref: 'bench.instr', workflow_version: workflow.version, status: 'pending', input: {},
        output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0,
      });
    }
  });
  const done = await Promise.all(ids.map((id) => engine.waitForCompletion(id)));
  const failed = done.find((record) => record.status !== 'completed');
  if (failed) throw new Error(`${failed.status} ${JSON.stringify(failed.error)}`);
  return ids[0];
};
/** One round: for --shape many, rounds of --at-once executions; else E at once (claimed by the node with --cluster). */
const once = async () => {
  if (CLUSTER) return claimed();
  if (SHAPE !== 'many') return (await Promise.all(Array.from({ length: EXECUTIONS }, one)))[0];
  let last = '';
  for (let started = 0; started < EXECUTIONS; started += AT_ONCE) {
    const ids = await Promise.all(Array.from({ length: Math.min(AT_ONCE, EXECUTIONS - started) }, one));
    last = ids[ids.length - 1];
  }
  return last;
};
for (let i = 0; i < WARMUP; i += 1) await once();
const cpu0 = cpuMs();
const usage0 = process.cpuUsage();
const started = performance.now();
timing = SPLIT;
// BEGIN to the end of COMMIT, for the store's transactions and its one-write commits alike
const counting = SPLIT ? countCommits() : null;
if (MARKS) console.log('--- measured: start');
collect(true);
const measured = await once();
collect(false);
if (MARKS) console.log('--- measured: end');
counting?.stop();
timing = false;
const ms = performance.now() - started;
if (keeper) {
  release();
  await engine.waitForCompletion(keeper.id);
}
const cpu = cpuMs() - cpu0;
const usage = process.cpuUsage(usage0);
if (node) await node.close({ grace_ms: 0 });
else await engine.stop();
await store.close();
if (POSTGRES) {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await admin.end();
}
console.log(
  `${SHAPE === 'many' ? `many: ${EXECUTIONS} executions of ${PER} tasks, ${AT_ONCE} at once,` : `${SHAPE}: ${EXECUTIONS > 1 ? `${EXECUTIONS} × ` : ''}${N} tasks`} after ${WARMUP} warm-up rounds, ${POSTGRES ? 'PostgreSQL' : `synchronous=${SYNCHRONOUS}`}: ` +
    `${((cpu * 1000) / TASKS).toFixed(1)} µs CPU per task (user ${(usage.user / TASKS).toFixed(1)}, system ${(usage.system / TASKS).toFixed(1)}), ${Math.round((TASKS / ms) * 1000)} tasks/s`,
);
if (SPLIT) {
  const { commits, commitMs: inTransactionMs } = counting.counts;
  report('engine', commits, ms, inTransactionMs);
  const { rows, executions } = readRows(file);
  const own = { rows: rows.filter((row) => row[0] === measured), executions: [measured] };
  timing = true;
  const raw = rawCommits(dir, own, Math.round(own.rows.length / commits));
  timing = false;
  report('raw   ', raw.commits, raw.ms, null);
}
rmSync(dir, { recursive: true, force: true });
