// What starting executions writes and how long its commits hold the event loop, without
// HTTP: N executions of a one-task no-op workflow started 50 at a time (as 50 connections
// would), each run to its end, SQLite at synchronous=FULL. Prints the write-ahead log pages
// per execution (deterministic: the load of the box does not move it), the COMMIT times on
// the event loop (their spread shows checkpoints and fsyncs) and the CPU per execution.
// Run: npm run build && node bench/start-commits.mjs [--executions 5000] [--pages]
//   --pages: the store's own checkpoints are turned off for the measured run (the log then
//   holds every page written; only meaningful where no checkpoint worker runs alongside).
// Not a row of issue 16's table: no BENCH line.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const N = arg('executions', 5000);
const PAGES = args.includes('--pages');
const IN_FLIGHT = 50;

const { createActionRegistry } = await import('../dist/actions/action-registry.js');
const { createEngine } = await import('../dist/engine/index.js');
const { createPackSyncService } = await import('../dist/packs/sync-packs.js');
const { createSqliteStore } = await import('../dist/store/sqlite/sqlite-store.js');
// The store's connection, caught as it prepares its first statement; COMMITs timed through exec.
const Database = createRequire(import.meta.url)('better-sqlite3');
let db;
let timing = false;
const commitsMs = [];
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (...a) {
  db ??= this;
  return prepare.apply(this, a);
};
const exec = Database.prototype.exec;
Database.prototype.exec = function (sql) {
  if (!timing || sql !== 'COMMIT') return exec.call(this, sql);
  const started = performance.now();
  try {
    return exec.call(this, sql);
  } finally {
    commitsMs.push(performance.now() - started);
  }
};

const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-starts-'));
const packsDir = join(dir, 'packs');
mkdirSync(join(packsDir, 'bench', 'workflows'), { recursive: true });
writeFileSync(join(packsDir, 'bench', 'pack.yaml'), 'ref: bench\nversion: 1.0.0\n');
writeFileSync(join(packsDir, 'bench', 'workflows', 'one.yaml'), 'version: 1.0.0\ntasks:\n  only:\n    action: core.noop\n');
const file = join(dir, 'harmonia.db');
const store = createSqliteStore({ file });
const engine = createEngine({ store, actions: createActionRegistry({ packs: () => null }), config: { packs_dir: packsDir } });
await createPackSyncService({ store, packsDir }).syncPack('bench');

async function run(n) {
  let next = 0;
  const ids = [];
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        next += 1;
        ids.push((await engine.startExecution({ workflow_ref: 'bench.one', input: { n } })).id);
      }
    }),
  );
  for (const id of ids) await engine.waitForCompletion(id);
}

await run(1000); // warm-up: the JIT, the store's statements
if (PAGES) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
}
timing = true;
const cpu = process.cpuUsage();
const started = performance.now();
await run(N);
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
timing = false;
commitsMs.sort((a, b) => a - b);
const at = (q) => (commitsMs[Math.min(commitsMs.length - 1, Math.floor(q * commitsMs.length))] ?? 0).toFixed(1);
const total = commitsMs.reduce((a, b) => a + b, 0);
// A log frame is a 24-byte header and a 4,096-byte page; the log starts with a 32-byte header.
const pages = PAGES ? `, ${((statSync(`${file}-wal`).size - 32) / 4120 / N).toFixed(2)} log pages per execution` : '';
console.log(
  `${N} executions started ${IN_FLIGHT} at a time and run to their end: ${((N / wall) * 1000).toFixed(0)}/s, ` +
    `${((used.user + used.system) / N).toFixed(0)} µs CPU per execution${pages}; ${commitsMs.length} COMMITs on the event loop, ` +
    `${total.toFixed(0)} ms in all (${((total / wall) * 100).toFixed(0)} % of the run), p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms, ` +
    `${commitsMs.filter((t) => t > 20).length} over 20 ms; load average ${loadavg()[0].toFixed(1)}`,
);
await engine.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
