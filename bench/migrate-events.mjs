// SQLite migration 10 (positions never reused: the events table rebuilt) on a store of
// --events stored events (default 200,000: 2,000 executions of 100, interleaved as commits
// of ten executions wrote them, ~300-byte event texts), as the first start of a release
// that has it runs it: the process's CPU time and the wall time of migrateSqlite.
// Run: npm run build && node bench/migrate-events.mjs [--events 200000] [root]
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
const at = args.indexOf('--events');
const EVENTS = at >= 0 ? Number(args[at + 1]) : 200_000;
const rootArg = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--events');
const root = resolve(rootArg ?? join(fileURLToPath(import.meta.url), '..', '..'));
const { SQLITE_MIGRATIONS } = await import(join(root, 'dist/store/sqlite/migrations/index.js'));
const { migrateSqlite } = await import(join(root, 'dist/store/sqlite/sqlite-store.js'));

const dir = mkdtempSync(join(tmpdir(), 'harmonia-migrate-'));
const file = join(dir, 'bench.db');
const PER = 100;
const executions = Math.ceil(EVENTS / PER);

// The store's schema as migration 9 left it, with its events.
let db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 9)) {
  if (migration.foreign_keys === 'off') db.pragma('foreign_keys = OFF');
  db.exec(migration.sql);
  db.pragma('foreign_keys = ON');
  db.pragma(`user_version = ${migration.version}`);
}
const created = '2026-12-05T00:00:00.000Z';
const ids = Array.from({ length: executions }, (_, i) => `01a24819-2a79-7e39-ad8d-${String(i).padStart(12, '0')}`);
const insertExecution = db.prepare(`INSERT INTO executions (id, workflow_id, workflow_ref, workflow_version, status, input, created_at, updated_at, last_seq)
  VALUES (?, 'w', 'bench.migrate', 1, 'completed', '{}', ?, ?, ?)`);
const insertEvent = db.prepare('INSERT INTO execution_events (execution_id, seq, event) VALUES (?, ?, ?)');
db.transaction(() => {
  for (const id of ids) insertExecution.run(id, created, created, PER);
  let stored = 0;
  // ten executions at a time, their events interleaved a task at a time
  for (let group = 0; group < executions && stored < EVENTS; group += 10) {
    for (let seq = 1; seq <= PER; seq += 1) {
      for (const id of ids.slice(group, group + 10)) {
        if (stored === EVENTS) break;
        const event = { event_type: 'task_completed', task_id: `task-${seq}`, data: { attempt: 1, output: { message: 'x'.repeat(80) } }, execution_id: id, workflow_id: '202e2752-a386-4200-9eaa-49e04cf29b59', timestamp: created, seq };
        insertEvent.run(id, seq, JSON.stringify(event));
        stored += 1;
      }
    }
  }
})();
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();

db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
const rows = db.prepare('SELECT COUNT(*) FROM execution_events').pluck().get();
const cpu0 = process.cpuUsage();
const started = performance.now();
migrateSqlite(db);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const version = db.pragma('user_version', { simple: true });
const last = db.prepare('SELECT MAX(pos) FROM execution_events').pluck().get();
db.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `migration to ${version} on ${rows.toLocaleString('en')} events (${executions} executions): ` +
    `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${ms.toFixed(0)} ms wall; last position ${last}`,
);
