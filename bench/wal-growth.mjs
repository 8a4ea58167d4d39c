// Commit cost with a write-ahead log that restarts every ~1,000 pages (SQLite's own
// checkpoint) against one that keeps growing (no checkpoint), interleaved in one process on
// the same disk: a commit that extends the log file syncs more than one that rewrites it.
// Run: node bench/wal-growth.mjs [--commits 1500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const index = process.argv.indexOf('--commits');
const COMMITS = index >= 0 ? Number(process.argv[index + 1]) : 1500;
const dir = mkdtempSync(join(tmpdir(), 'harmonia-wal-growth-'));

/** A database of event-like rows, committed 20 rows at a time (a wide step's size). */
function open(name, autocheckpoint) {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  db.exec('CREATE TABLE e (id TEXT, seq INTEGER, event TEXT, pos INTEGER, PRIMARY KEY (id, seq)); CREATE UNIQUE INDEX e_pos ON e (pos)');
  const insert = db.prepare('INSERT INTO e VALUES (?, ?, ?, ?)');
  const event = 'x'.repeat(260);
  let seq = 0;
  const times = [];
  return {
    db,
    times,
    commit() {
      const started = performance.now();
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 20; i += 1) {
        seq += 1;
        insert.run('0193a6f0-8f7e-7c4e-9d8d-3b2a1c0d9e8f', seq, event, seq);
      }
      db.exec('COMMIT');
      times.push(performance.now() - started);
    },
  };
}

const restarting = open('restarting.db', 1000);
const growing = open('growing.db', 0);
for (let i = 0; i < COMMITS; i += 1) {
  restarting.commit();
  growing.commit();
}
const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
const mean = (times) => times.reduce((sum, t) => sum + t, 0) / times.length;
const pages = growing.db.pragma('wal_checkpoint(PASSIVE)')[0].log;
console.log(
  `restarting log: median ${median(restarting.times).toFixed(3)} ms, mean ${mean(restarting.times).toFixed(3)} | ` +
    `growing log (${pages} pages at the end): median ${median(growing.times).toFixed(3)} ms, mean ${mean(growing.times).toFixed(3)}`,
);
restarting.db.close();
growing.db.close();
rmSync(dir, { recursive: true, force: true });
