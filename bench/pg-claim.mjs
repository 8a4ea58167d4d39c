// The claim statement alone, before and after the liveness lock, alternating in one run: a
// node looks for work while N unfinished executions are all held by another live node, so
// the statement reads every one and finds nothing (the cost a claim round adds to a busy
// cluster every claim_interval_ms). "after" is CLAIM as leases.ts sends it (it reads pg_locks
// once when it meets an unexpired lease of a node marked as holding a liveness lock);
// "before" is the statement without the liveness test. Two cases: the holder marked (it
// holds its lock: pg_locks is read) and unmarked (a node holding no lock). Prints the CPU
// time of the statement's PostgreSQL backend (/proc, same host) per statement.
// Run: npm run build && node bench/pg-claim.mjs [--executions 1000] [--statements 200] [--rounds 3]
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { CLAIM } from '../dist/store/postgres/leases.js';
import { createPostgresStore } from '../dist/store/postgres/postgres-store.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => Number(args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const URL = process.env.HARMONIA_BENCH_DATABASE_URL || process.env.HARMONIA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const EXECUTIONS = arg('executions', 1000);
const STATEMENTS = arg('statements', 200);
const ROUNDS = arg('rounds', 3);
const HOUR = 3_600_000;

const ISO = `to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const expiry = (p) => `now() + ${p}::float8 * interval '1 millisecond'`;
const BEFORE = `
  WITH node AS (
    INSERT INTO node_leases (node_id, heartbeat_at, expires_at) VALUES ($1, now(), ${expiry('$3')})
    ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at),
  candidates AS (
    SELECT e.id FROM executions e
    WHERE e.status IN ('pending', 'running', 'paused')
      AND ($4::text IS NULL OR e.id = $4)
      AND NOT EXISTS (SELECT 1 FROM execution_leases l WHERE l.execution_id = e.id AND l.expires_at > now())
    ORDER BY e.created_at, e.pos
    LIMIT $2
    FOR NO KEY UPDATE OF e SKIP LOCKED
  )
  INSERT INTO execution_leases AS l (execution_id, node_id, token, claimed_at, expires_at)
  SELECT id, $1, nextval('lease_tokens'), now(), ${expiry('$3')} FROM candidates ORDER BY id
  ON CONFLICT (execution_id) DO UPDATE SET
    node_id = excluded.node_id, token = excluded.token, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
    WHERE l.expires_at <= now()
  RETURNING execution_id, node_id, token, ${ISO} AS expires_at`;

const backendCpu = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const schema = `bench_${randomBytes(5).toString('hex')}`;
const store = await createPostgresStore({ url: URL, schema, pool_size: 2 });
const workflow = await store.registry.addVersion({
  kind: 'workflow', ref: 'bench.one', pack_ref: 'bench', content_hash: 'one', source: '', file: 'w.yaml', origin: { source: 'local' },
  body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: 't', action: 'core.noop', depends_on: [], input: {} }] },
});
const at = new Date().toISOString();
await store.transaction(async (tx) => {
  for (let i = 0; i < EXECUTIONS; i += 1) {
    await tx.executions.createExecution({
      id: randomUUID(), workflow_id: workflow.id, workflow_ref: 'bench.one', workflow_version: workflow.version, status: 'running', input: {},
      output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0,
    });
  }
});
const held = await store.leases.claimExecutions('holder', EXECUTIONS, HOUR);
if (held.length !== EXECUTIONS) throw new Error(`the holder took ${held.length} of ${EXECUTIONS}`);
const liveness = await store.holdLiveness({ node_id: 'holder', wait_ms: 0, ping_ms: HOUR, ping_timeout_ms: HOUR });
const client = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
await client.connect();
const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');

async function measure(sql) {
  const cpu = backendCpu(pid);
  for (let i = 0; i < STATEMENTS; i += 1) {
    const { rows } = await client.query(sql, ['looker', 50, 15000, null]);
    if (rows.length !== 0) throw new Error('the looker claimed a held execution');
  }
  return (backendCpu(pid) - cpu) / STATEMENTS;
}

console.log(`claim statement, ${EXECUTIONS} executions held by another live node, ${STATEMENTS} statements a round; backend CPU ms per statement`);
for (const marked of [true, false]) {
  await client.query('UPDATE node_leases SET liveness_lock = $1 WHERE node_id = $2', [marked, 'holder']);
  await measure(CLAIM); // warm
  const results = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    results.before.push(await measure(BEFORE));
    results.after.push(await measure(CLAIM));
  }
  const show = (list) => list.map((ms) => ms.toFixed(3)).join(', ');
  console.log(`holder ${marked ? 'marked (holds its lock)' : 'unmarked'}: before ${show(results.before)}; after ${show(results.after)}`);
}
await client.end();
await liveness.release();
await store.close();
const admin = new pg.Client({ connectionString: URL });
await admin.connect();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
