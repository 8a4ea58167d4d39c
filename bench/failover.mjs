// Failover on PostgreSQL: two node processes share one database with default lease settings;
// node 1 is SIGKILLed while it runs executions, and the bench measures how long until node 2
// holds every one of them, and until all of them complete.
// Run: npm run build && node bench/failover.mjs [--executions 20] [--runs 2]
// HARMONIA_LEASE_MS=4000 gives both nodes that lease instead of the default (as `harmonia serve` reads it).
// Database: HARMONIA_BENCH_DATABASE_URL, else HARMONIA_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createNode } from '../dist/cluster/index.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const URL = process.env.HARMONIA_BENCH_DATABASE_URL || process.env.HARMONIA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const EXECUTIONS = Number(arg('executions', 20));
const RUNS = Number(arg('runs', 2));
const STEP_MS = 50;
const LEASE_MS = process.env.HARMONIA_LEASE_MS ? Number(process.env.HARMONIA_LEASE_MS) : undefined;
const CHAIN = 100; // 100 tasks of 50 ms: each execution runs ~5 s, so node 1 dies with work in hand

// A task that waits STEP_MS, or until it is aborted.
const sleep = {
  run: (_input, ctx) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 'success', data: {} }), STEP_MS);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve({ status: 'error', error_type: 'ABORTED', error_message: 'aborted', is_retriable: true });
      });
    }),
};

async function nodeProcess(schema, nodeId) {
  const store = await createPostgresStore({ url: URL, schema, pool_size: 4, application_name: nodeId });
  // Default lease, heartbeat and claim interval unless HARMONIA_LEASE_MS says: the figure is what a user gets.
  const node = createNode({ store, actions: { resolve: () => sleep }, node_id: nodeId, ...(LEASE_MS === undefined ? {} : { lease_ms: LEASE_MS }) });
  await node.start();
  process.send({ type: 'ready' });
}

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    child.on('message', (message) => message.type === type && resolve(message));
    child.once('exit', (code) => reject(new Error(`a node process exited (${code}) before '${type}'`)));
  });
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function once(admin) {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const store = await createPostgresStore({ url: URL, schema, pool_size: 2 });
  const tasks = Array.from({ length: CHAIN }, (_, i) => ({ id: `t${i}`, action: 'bench.sleep', depends_on: i === 0 ? [] : [`t${i - 1}`], input: {} }));
  const workflow = await store.registry.addVersion({
    kind: 'workflow', ref: 'bench.chain', pack_ref: 'bench', content_hash: 'chain', source: '', file: 'w.yaml', origin: { source: 'local' },
    body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks },
  });
  const self = fileURLToPath(import.meta.url);
  const spawn = (id) => fork(self, ['--node', schema, id], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const victim = spawn('node-1');
  await nextMessage(victim, 'ready');
  const at = new Date().toISOString();
  await store.transaction(async (tx) => {
    for (let i = 0; i < EXECUTIONS; i += 1) {
      await tx.executions.createExecution({
        id: randomUUID(), workflow_id: workflow.id, workflow_ref: 'bench.chain', workflow_version: workflow.version, status: 'pending', input: {},
        output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0,
      });
    }
  });
  const held = async (nodeId) =>
    Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.execution_leases WHERE node_id = $1`, [nodeId])).rows[0].n);
  while ((await held('node-1')) < EXECUTIONS) await wait(20);
  const survivor = spawn('node-2');
  await nextMessage(survivor, 'ready');
  await wait(1000); // both nodes renewing; node 1 a second into its executions
  victim.kill('SIGKILL');
  const killed = performance.now();
  let first = null;
  for (;;) {
    const taken = await held('node-2');
    if (taken > 0 && first === null) first = performance.now() - killed;
    if (taken === EXECUTIONS) break;
    const done = Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.executions WHERE status = 'completed'`)).rows[0].n);
    if (done + taken >= EXECUTIONS) break;
    await wait(20);
  }
  const all = performance.now() - killed;
  for (;;) {
    const { rows } = await admin.query(`SELECT count(*) FILTER (WHERE status = 'completed') AS done, count(*) FILTER (WHERE status = 'failed') AS failed FROM ${schema}.executions`);
    if (Number(rows[0].failed) > 0) throw new Error('an execution failed');
    if (Number(rows[0].done) === EXECUTIONS) break;
    await wait(50);
  }
  const completed = performance.now() - killed;
  survivor.kill('SIGTERM');
  await new Promise((resolve) => survivor.once('exit', resolve));
  await store.close();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  return { first, all, completed };
}

async function main() {
  console.log(`failover bench: ${EXECUTIONS} executions of ${CHAIN} × ${STEP_MS} ms tasks on node 1, SIGKILLed; node 2 takes over (${LEASE_MS === undefined ? 'default lease settings' : `lease ${LEASE_MS} ms`})`);
  const admin = new pg.Pool({ connectionString: URL, max: 2 });
  const results = [];
  for (let i = 0; i < RUNS; i += 1) {
    const r = await once(admin);
    results.push(r);
    console.log(`run ${i + 1}: first execution taken over after ${(r.first / 1000).toFixed(2)} s, all ${EXECUTIONS} after ${(r.all / 1000).toFixed(2)} s; all completed ${(r.completed / 1000).toFixed(1)} s after the kill`);
  }
  await admin.end();
  const worst = Math.max(...results.map((r) => r.all)) / 1000;
  console.log(`BENCH ${JSON.stringify({ row: 'pg.failover', value: Number(worst.toFixed(2)), unit: 's', baseline: null, ratio: null, target: 'value <= 5', note: `worst of ${RUNS} runs, kill to every execution held by the survivor; load ${os.loadavg()[0].toFixed(1)}` })}`);
}

if (args[0] === '--node') await nodeProcess(args[1], args[2]);
else await main();
