// The node's side of PostgreSQL's one-statement group commit (ExecutionRepo.commitSteps), alone:
// commits shaped as pg-work.mjs's (200 executions, each fenced by its lease, ~430 events of
// task_started / task_completed, ~70 execution updates) sent one after another, after a
// warm-up. Prints the node's CPU and, with --callgrind, switches callgrind's collection on
// around the measured commits only (the server is another process: its work is not counted;
// its CPU per event is read from /proc, same host, for the store's backends).
// Run: npm run build && node bench/pg-commit-instructions.mjs [--commits 40] [--warmup 40]
//      valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \
//        node --single-threaded bench/pg-commit-instructions.mjs --callgrind
//      (then the Ir total of the dump / events: about two events per task)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { DATABASE_URL, arg, hasFlag, schemaName } from './lib-fan-out.mjs';

const COMMITS = Number(arg('commits', 40));
const WARMUP = Number(arg('warmup', 40));
const EXECUTIONS = 200;
const EVENTS = 430;
const UPDATES = 70;
const CALLGRIND = hasFlag('callgrind');
const collect = (on) => CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });

const schema = schemaName();
const APP = `pg-commit-${process.pid}`;
const store = await createPostgresStore({ url: DATABASE_URL, schema, pool_size: 4, application_name: APP });
/** CPU ms of the store's backends so far (/proc of each, by application_name). */
async function serverCpu() {
  const { rows } = await store.pool.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APP]);
  let ms = 0;
  for (const { pid } of rows) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ms += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return ms;
}
const at = new Date().toISOString();
const workflow_id = randomUUID();
const ids = Array.from({ length: EXECUTIONS }, () => randomUUID());
await store.transaction(async (tx) => {
  for (const id of ids) {
    await tx.executions.createExecution({
      id, workflow_id, workflow_ref: 'bench.fan', workflow_version: 1, status: 'running', input: {}, output: null, error: null,
      parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0,
    });
  }
});
const leases = await store.leases.claimExecutions('bench-node', EXECUTIONS, 600_000);
const token = new Map(leases.map((lease) => [lease.execution_id, lease.token]));
const seqs = new Map(ids.map((id) => [id, 0]));

/** One commit's steps: events spread over every execution, as the engine writes a task's. */
function steps(round) {
  const events = [];
  const timestamp = new Date().toISOString();
  for (let i = 0; i < EVENTS; i += 1) {
    const execution_id = ids[i % EXECUTIONS];
    const seq = seqs.get(execution_id) + 1;
    seqs.set(execution_id, seq);
    const task_id = `m${(round * 7 + i) % 48}`;
    events.push(i % 2 === 0
      ? { event_type: 'task_started', task_id, data: { attempt: 1, input: {} }, execution_id, workflow_id, timestamp, seq }
      : { event_type: 'task_completed', task_id, data: { attempt: 1, output: {} }, execution_id, workflow_id, timestamp, seq });
  }
  const updates = ids.slice(0, UPDATES).map((id) => ({ id, patch: { status: 'running', updated_at: timestamp, last_seq: seqs.get(id) } }));
  return { events, updates, fenced: ids.map((id) => ({ execution_id: id, token: token.get(id) })), released: [] };
}

for (let i = 0; i < WARMUP; i += 1) await store.executions.commitSteps(steps(i));
const prepared = Array.from({ length: COMMITS }, (_, i) => steps(WARMUP + i));
const server0 = await serverCpu();
const usage0 = process.cpuUsage();
collect(true);
for (const commit of prepared) await store.executions.commitSteps(commit);
collect(false);
const { user, system } = process.cpuUsage(usage0);
const server = (await serverCpu()) - server0;
const events = COMMITS * EVENTS;
console.log(`${COMMITS} commits of ${EVENTS} events (${EXECUTIONS} executions fenced, ${UPDATES} updates): node CPU ${((user + system) / events).toFixed(2)} µs per event (user ${(user / events).toFixed(2)}, system ${(system / events).toFixed(2)}), ${((user + system) / COMMITS / 1000).toFixed(2)} ms per commit; server CPU ${((server * 1000) / events).toFixed(2)} µs per event`);
await store.close();
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
