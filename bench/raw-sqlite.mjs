// The machine's own limits, measured in the bench's run: what better-sqlite3 alone does with
// the engine's rows and commit pattern, and what one fsync costs on this disk.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../dist/store/sqlite/sqlite-store.js';

/** CPU time of this process in ms (user + system). */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Counts the engine's commits and the time inside them (BEGIN to the end of COMMIT) at the
 * connection, until stop(): each `BEGIN IMMEDIATE` run through Database#exec, as both the
 * store's transactions and its one-write commits (ExecutionRepo.commitSteps) begin. Wrapping
 * store.transaction counted only the first kind.
 */
export function countCommits() {
  const counts = { commits: 0, commitMs: 0 };
  const exec = Database.prototype.exec;
  let began = null;
  Database.prototype.exec = function (sql) {
    if (sql === 'BEGIN IMMEDIATE') {
      counts.commits += 1;
      began = performance.now();
    }
    if (sql !== 'COMMIT' && sql !== 'ROLLBACK') return exec.call(this, sql);
    try {
      return exec.call(this, sql);
    } finally {
      if (began !== null) counts.commitMs += performance.now() - began;
      began = null;
    }
  };
  return { counts, stop: () => { Database.prototype.exec = exec; } };
}

/** The engine's event rows in commit order, and its execution ids. */
export function readRows(file) {
  const source = new Database(file, { readonly: true });
  const rows = source.prepare('SELECT execution_id, seq, event FROM execution_events ORDER BY pos').raw().all();
  const executions = source.prepare('SELECT id FROM executions').pluck().all();
  source.close();
  return { rows, executions };
}

/** A fresh database of the store's schema, indexes and connection settings holding the executions' rows. */
function freshDatabase(file, executions, workflowRef) {
  createSqliteStore({ file, synchronous: 'FULL' }).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // As the store's own connection: each event row checks its execution row.
  db.pragma('foreign_keys = ON');
  const at = new Date().toISOString();
  const parent = db.prepare(`INSERT INTO executions (id, workflow_id, workflow_ref, workflow_version, status, input, created_at, updated_at)
    VALUES (?, 'w', ?, 1, 'running', '{}', ?, ?)`);
  db.transaction(() => { for (const id of executions) parent.run(id, workflowRef, at, at); })();
  return db;
}

/**
 * The same event rows, inserted as the store inserts them (insertRuns), in transactions of
 * `batchRows` rows.
 */
export function rawBatches(dir, { rows, executions }, batchRows) {
  const db = freshDatabase(join(dir, 'raw.db'), executions, 'bench.many');
  const insertRuns = runInserter(db);
  const batch = db.transaction((slice) => insertRuns(slice));
  const started = performance.now();
  const cpu0 = cpuMs();
  for (let i = 0; i < rows.length; i += batchRows) batch(rows.slice(i, i + batchRows));
  const ms = performance.now() - started;
  const cpu = cpuMs() - cpu0;
  db.close();
  return { ms, cpu, rows: rows.length };
}

/**
 * Inserts rows ([execution_id, seq, event], in order) as the store's insertEvents does: each
 * run of one execution's rows, up to 32, in one INSERT (the id bound once, seq and text from
 * a VALUES list), numbered by SQLite (pos is the rowid, one past the largest). Returns the
 * last row inserted.
 */
function runInserter(db) {
  const inserts = [];
  const insert = (rows) =>
    (inserts[rows] ??= db.prepare(
      rows === 1
        ? 'INSERT INTO execution_events (execution_id, seq, event) VALUES (?, ?, ?)'
        : `INSERT INTO execution_events (execution_id, seq, event) SELECT ?, column1, column2 FROM (VALUES ${Array(rows).fill('(?, ?)').join(', ')})`,
    ));
  return (slice) => {
    for (let start = 0; start < slice.length; ) {
      let end = start + 1;
      while (end < slice.length && end - start < 32 && slice[end][0] === slice[start][0]) end += 1;
      const values = [slice[start][0]];
      for (let index = start; index < end; index += 1) values.push(slice[index][1], slice[index][2]);
      insert(end - start).run(...values);
      start = end;
    }
    return slice.at(-1);
  };
}

/**
 * The engine's commit pattern with nothing between commits: BEGIN IMMEDIATE, `perCommit` event rows (one execution's completions and the next starts), the
 * execution row's updated_at and last_seq, COMMIT (one WAL fsync). No engine with this
 * durability can commit these rows faster on this disk.
 */
export function rawCommits(dir, { rows, executions }, perCommit) {
  const db = freshDatabase(join(dir, 'raw-commits.db'), executions, 'bench.wide');
  const insertRuns = runInserter(db);
  const update = db.prepare('UPDATE executions SET updated_at = ?, last_seq = ? WHERE id = ?');
  const started = performance.now();
  const cpu0 = cpuMs();
  let commits = 0;
  for (let i = 0; i < rows.length; i += perCommit) {
    db.exec('BEGIN IMMEDIATE');
    const last = insertRuns(rows.slice(i, i + perCommit));
    update.run(new Date().toISOString(), last[1], last[0]);
    db.exec('COMMIT');
    commits += 1;
  }
  const ms = performance.now() - started;
  const cpu = cpuMs() - cpu0;
  db.close();
  return { ms, cpu, commits, rows: rows.length };
}

/** One fsync of a 4 KiB append, `count` times: the floor under any durable commit here. */
export function fsyncLatency(dir, count = 200) {
  const fd = openSync(join(dir, 'fsync.probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < count; i += 1) {
      writeSync(fd, page);
      const t = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  return { mean, median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)] };
}
