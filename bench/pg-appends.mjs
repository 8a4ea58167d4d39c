// The append statement alone, before and after issue 16's change, alternating in one run:
// "before" sends the events as three arrays (text[], bigint[], json[]) into a schema at
// migration 8 (a foreign key checked per event); "after" sends them as one JSON array
// (json_array_elements, zipped with the keys as arrays) into a schema at the current
// migration (each execution checked once in the statement). Each round appends 40 batches of 800 events (events of a real run of
// the scale bench's fan-out, 100 executions) and rolls them back. Prints the CPU time of
// this process and of its PostgreSQL backend (/proc, same host) per event.
// Run: npm run build && node bench/pg-appends.mjs [--rounds 3]
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { migratePostgres } from '../dist/store/postgres/migrate-postgres.js';
import { POSTGRES_MIGRATIONS } from '../dist/store/postgres/migrations/index.js';
import { eventsJson } from '../dist/store/postgres/events-json.js';

const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] || 3);
const URL = process.env.HARMONIA_BENCH_DATABASE_URL || process.env.HARMONIA_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BATCHES = 40;
const PER_BATCH = 800;

const BEFORE = `WITH appending AS (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events')))
  INSERT INTO execution_events (execution_id, seq, event)
  SELECT e.execution_id, e.seq, e.event FROM appending, unnest($1::text[], $2::bigint[], $3::json[]) WITH ORDINALITY AS e(execution_id, seq, event, n) ORDER BY e.n`;
// As PostgresExecutionRepo.appendEvents sends it.
const AFTER = `
  WITH present AS (SELECT id FROM executions WHERE id = ANY($2::text[]) ORDER BY id FOR KEY SHARE),
  missing AS (SELECT m.id FROM unnest($2::text[]) AS m(id) WHERE m.id NOT IN (SELECT id FROM present)),
  appending AS (
    SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events'))
    WHERE NOT EXISTS (SELECT 1 FROM missing)),
  inserted AS (
    INSERT INTO execution_events (execution_id, seq, event)
    SELECT e.execution_id, e.seq, e.event
    FROM appending, ROWS FROM (unnest($3::text[]), unnest($4::bigint[]), json_array_elements($1::json)) WITH ORDINALITY AS e(execution_id, seq, event, n)
    ORDER BY e.n
    RETURNING 1)
  SELECT (SELECT min(id) FROM missing) AS missing`;

async function schemaAt(migrations) {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  // Migrations create their tables on the search_path: the schema's own.
  const pool = new pg.Pool({ connectionString: URL, max: 1, options: `-c search_path=${schema}` });
  await migratePostgres(pool, schema, migrations);
  await pool.end();
  const client = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
  await client.connect();
  const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
  return { schema, client, pid };
}

const backendCpu = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const ownCpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };

// 100 executions × 102 events shaped as the engine writes them for root → 48 → join, 800 to a batch.
function batches(ids) {
  const events = [];
  const at = new Date().toISOString();
  for (const id of ids) {
    const base = { execution_id: id, workflow_id: randomUUID(), timestamp: at };
    let seq = 0;
    events.push({ event_type: 'workflow_started', data: { workflow_ref: 'bench.fan', workflow_version: 1, input: {}, parent_execution_id: null, parent_task_id: null }, ...base, seq: ++seq });
    for (const task of ['root', ...Array.from({ length: 48 }, (_, i) => `m${i}`), 'join']) {
      events.push({ event_type: 'task_started', task_id: task, data: { attempt: 1, input: {} }, ...base, seq: ++seq });
      events.push({ event_type: 'task_completed', task_id: task, data: { attempt: 1, output: {} }, ...base, seq: ++seq });
    }
    events.push({ event_type: 'workflow_completed', data: { output: {} }, ...base, seq: ++seq });
  }
  return Array.from({ length: BATCHES }, (_, i) => events.slice((i * PER_BATCH) % (events.length - PER_BATCH), ((i * PER_BATCH) % (events.length - PER_BATCH)) + PER_BATCH));
}

const admin = new pg.Pool({ connectionString: URL, max: 1 });
const before = await schemaAt(POSTGRES_MIGRATIONS.filter((m) => m.version <= 8));
const after = await schemaAt(POSTGRES_MIGRATIONS);
const ids = Array.from({ length: 100 }, () => randomUUID());
const at = new Date().toISOString();
for (const { client } of [before, after]) {
  for (const id of ids) {
    await client.query(`INSERT INTO executions (id, workflow_id, workflow_ref, workflow_version, status, input, created_at, updated_at) VALUES ($1, 'w', 'bench.fan', 1, 'running', '{}', $2, $2)`, [id, at]);
  }
}
const work = batches(ids);
const runs = {
  before: (events) => before.client.query(BEFORE, [events.map((e) => e.execution_id), events.map((e) => e.seq), events.map((e) => JSON.stringify(e))]),
  after: (events) => after.client.query(AFTER, [eventsJson(events), [...new Set(events.map((e) => e.execution_id))], events.map((e) => e.execution_id), events.map((e) => e.seq)]),
};
const totals = { before: { node: 0, server: 0 }, after: { node: 0, server: 0 } };
for (let round = 0; round < ROUNDS; round += 1) {
  for (const which of ['before', 'after']) {
    const target = which === 'before' ? before : after;
    const node0 = ownCpu();
    const server0 = backendCpu(target.pid);
    for (const events of work) {
      await target.client.query('BEGIN');
      await runs[which](events);
      await target.client.query('ROLLBACK');
    }
    const node = ownCpu() - node0;
    const server = backendCpu(target.pid) - server0;
    totals[which].node += node;
    totals[which].server += server;
    const n = BATCHES * PER_BATCH;
    console.log(`round ${round + 1} ${which.padEnd(6)} µs per event: node ${((node / n) * 1000).toFixed(2)}, server ${((server / n) * 1000).toFixed(2)}`);
  }
}
const n = BATCHES * PER_BATCH * ROUNDS;
for (const which of ['before', 'after']) {
  console.log(`${which.padEnd(6)} total µs per event: node ${((totals[which].node / n) * 1000).toFixed(2)}, server ${((totals[which].server / n) * 1000).toFixed(2)}`);
}
for (const { client, schema } of [before, after]) {
  await client.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
}
await admin.end();
