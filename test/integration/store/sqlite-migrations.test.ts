/** Migration 8 (008-execution-status-check.ts): the executions table rebuilt with the same rows, keys and rule. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-migrations-'));
  file = join(dir, 'db.sqlite');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const INSERT = `INSERT INTO executions (id, workflow_id, workflow_ref, workflow_version, status, input, created_at, updated_at, last_seq)
  VALUES (?, 'w', 'p.flow', 1, ?, '{}', ?, ?, 1)`;

/** A database as version 7 left it, with executions, their events, state and a log line. */
function databaseAtVersion7(): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 7)) {
    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
  }
  const insert = db.prepare(INSERT);
  for (const [id, status] of [['b', 'completed'], ['a', 'running'], ['c', 'pending']] as const) insert.run(id, status, '2026-12-05T00:00:00.000Z', '2026-12-05T00:00:00.000Z');
  db.prepare('DELETE FROM executions WHERE id = ?').run('b');
  insert.run('d', 'failed', '2026-12-05T00:00:00.000Z', '2026-12-05T00:00:01.000Z');
  db.prepare('INSERT INTO execution_events (execution_id, seq, event, pos) VALUES (?, 1, ?, 1)').run('a', '{"seq":1}');
  db.prepare("INSERT INTO execution_state (execution_id, state, updated_at) VALUES ('a', '{}', 'x')").run();
  db.prepare("INSERT INTO task_logs (execution_id, task_id, item_index, attempt, stream, at, line) VALUES ('a', 't', NULL, 1, 'stdout', 'x', 'hi')").run();
  db.close();
}

function openMigrated(): Database.Database {
  return new Database(file);
}

describe('migration 8: execution status check', () => {
  it('keeps every execution with its rowid, and their events, state and logs', async () => {
    databaseAtVersion7();
    const before = new Database(file);
    const rows = before.prepare('SELECT rowid, * FROM executions ORDER BY rowid').all();
    before.close();
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare('SELECT rowid, * FROM executions ORDER BY rowid').all()).toEqual(rows);
    expect(db.prepare('SELECT execution_id, seq FROM execution_events').all()).toEqual([{ execution_id: 'a', seq: 1 }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_state').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM task_logs').get()).toEqual({ n: 1 });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['executions_by_parent', 'executions_by_ref', 'executions_by_status', 'sqlite_autoindex_executions_1']);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
  });

  it('refuses a status outside the six, on insert and on update', async () => {
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    for (const status of ['pending', 'running', 'paused', 'completed', 'failed', 'canceled']) db.prepare(INSERT).run(status, status, 'x', 'x');
    expect(() => db.prepare(INSERT).run('bad', 'done', 'x', 'x')).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(INSERT).run('null', null, 'x', 'x')).toThrow(/NOT NULL/);
    expect(() => db.prepare("UPDATE executions SET status = 'Running' WHERE id = 'pending'").run()).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('leaves the foreign keys on and cascading from the rebuilt table', async () => {
    databaseAtVersion7();
    const store = createSqliteStore({ file });
    await store.executions.appendEvents([{ execution_id: 'a', seq: 2, event_type: 'workflow_started', at: 'x', data: {} } as never]);
    await expect(store.executions.appendEvents([{ execution_id: 'nobody', seq: 1, event_type: 'workflow_started', at: 'x', data: {} } as never])).rejects.toThrow();
    await store.close();
    const db = openMigrated();
    db.pragma('foreign_keys = ON');
    db.prepare("DELETE FROM executions WHERE id = 'a'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_events').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_state').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM task_logs').get()).toEqual({ n: 0 });
    db.close();
  });

  it('checks the status without a temporary b-tree per statement', async () => {
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    const opcodes = (sql: string): string[] => (db.prepare(`EXPLAIN ${sql}`).all() as Array<{ opcode: string }>).map((row) => row.opcode);
    expect(opcodes(INSERT.replace(/\?/g, "'x'"))).not.toContain('OpenEphemeral');
    expect(opcodes("UPDATE executions SET status = 'running', updated_at = 'x' WHERE id = 'x'")).not.toContain('OpenEphemeral');
    db.close();
  });
});
