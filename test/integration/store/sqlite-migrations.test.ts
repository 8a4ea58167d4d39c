/**
 * Migration 8 (008-execution-status-check.ts): the executions table rebuilt with the same rows, keys and rule.
 * Migration 9 (009-events-by-position.ts): the event rows keyed by position, with the same rows and keys.
 * Migration 10 (010-positions-never-reused.ts): the same rows and positions, and a delete never lowers the highest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { executionRecord } from '../../fixtures/execution-record.js';

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
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    expect(db.prepare('SELECT rowid, * FROM executions ORDER BY rowid').all()).toEqual(rows);
    expect(db.prepare('SELECT execution_id, seq FROM execution_events').all()).toEqual([{ execution_id: 'a', seq: 1 }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_state').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM task_logs').get()).toEqual({ n: 1 });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'executions' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['executions_by_finished', 'executions_by_parent', 'executions_by_ref', 'executions_by_status', 'sqlite_autoindex_executions_1']);
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
    // the placeholder that keeps the highest position (migration 10) is no execution's event
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_events WHERE execution_id IS NOT NULL').get()).toEqual({ n: 0 });
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

/** A database as version 8 left it, with the events of three executions, interleaved as commits wrote them. */
function databaseAtVersion8(): Array<{ pos: number | null; execution_id: string; seq: number; event: string }> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 8)) {
    if (migration.foreign_keys === 'off') db.pragma('foreign_keys = OFF');
    db.exec(migration.sql);
    db.pragma('foreign_keys = ON');
    db.pragma(`user_version = ${migration.version}`);
  }
  const insert = db.prepare(INSERT);
  for (const id of ['x', 'y', 'z']) insert.run(id, 'running', '2026-12-05T00:00:00.000Z', '2026-12-05T00:00:00.000Z');
  const rows: Array<{ pos: number | null; execution_id: string; seq: number; event: string }> = [];
  const event = db.prepare('INSERT INTO execution_events (execution_id, seq, event, pos) VALUES (?, ?, ?, ?)');
  let pos = 0;
  for (let seq = 1; seq <= 30; seq += 1) {
    for (const id of ['y', 'x', 'z']) {
      if (id === 'z' && seq > 5) continue;
      pos += 1;
      const row = { pos, execution_id: id, seq, event: JSON.stringify({ event_type: 'task_started', execution_id: id, seq, data: { text: 'é\u2028'.repeat(seq) } }) };
      event.run(row.execution_id, row.seq, row.event, row.pos);
      rows.push(row);
    }
  }
  db.close();
  return rows;
}

describe('migration 9: events by position', () => {
  it('keeps every event with its execution, seq, text and position', async () => {
    const rows = databaseAtVersion8();
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    expect(db.prepare('SELECT pos, execution_id, seq, event FROM execution_events ORDER BY pos').all()).toEqual(rows);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'execution_events' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['sqlite_autoindex_execution_events_1']);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
  });

  it('numbers a row stored without a position after every other', async () => {
    const rows = databaseAtVersion8();
    const old = new Database(file);
    old.prepare("INSERT INTO execution_events (execution_id, seq, event, pos) VALUES ('z', 6, '{}', NULL)").run();
    old.close();
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    expect(db.prepare("SELECT pos FROM execution_events WHERE execution_id = 'z' AND seq = 6").pluck().get()).toBe(rows.length + 1);
    db.close();
  });

  it('reads, appends and refuses events through the store as before', async () => {
    const rows = databaseAtVersion8();
    const store = createSqliteStore({ file });
    const ofX = rows.filter((row) => row.execution_id === 'x');
    expect((await store.executions.readEvents('x')).map((event) => event.seq)).toEqual(ofX.map((row) => row.seq));
    expect((await store.executions.readEvents('x', 28)).map((event) => event.seq)).toEqual([29, 30]);
    expect((await store.executions.readEventsAfterPosition(rows.length - 2, 10)).map((event) => event.position)).toEqual([rows.length - 1, rows.length]);
    expect(await store.executions.lastEventPosition()).toBe(rows.length);
    const next = { event_type: 'task_started', execution_id: 'x', workflow_id: 'w', timestamp: '2026-12-05T00:00:00.000Z', seq: 31, data: {} } as never;
    await store.executions.appendEvents([next, { ...(next as object), seq: 32 } as never]);
    expect(await store.executions.lastEventPosition()).toBe(rows.length + 2);
    // The (execution, seq) key, the seq check and the execution's row are still enforced.
    await expect(store.executions.appendEvents([{ ...(next as object), seq: 5 } as never])).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(store.executions.appendEvents([{ ...(next as object), seq: 0 } as never])).rejects.toThrow();
    await expect(store.executions.appendEvents([{ ...(next as object), execution_id: 'nobody', seq: 1 } as never])).rejects.toThrow();
    expect(await store.executions.lastEventPosition()).toBe(rows.length + 2);
    await store.close();
    const db = openMigrated();
    db.pragma('foreign_keys = ON');
    expect(() => db.prepare("INSERT INTO execution_events (execution_id, seq, event, pos) VALUES ('y', 99, '{}', 1)").run()).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare("DELETE FROM executions WHERE id = 'x'").run();
    expect(db.prepare("SELECT COUNT(*) AS n FROM execution_events WHERE execution_id = 'x'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM execution_events WHERE execution_id IS NOT NULL').get()).toEqual({ n: rows.length - ofX.length });
    db.close();
  });

  it('finds the last position and an execution\'s events by key, not by a scan', async () => {
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join('; ');
    expect(plan('SELECT COALESCE(MAX(pos), 0) FROM execution_events')).toMatch(/SEARCH/);
    expect(plan("SELECT event FROM execution_events WHERE execution_id = 'x' AND seq > 0 ORDER BY seq LIMIT 10")).toMatch(/SEARCH execution_events USING INDEX sqlite_autoindex_execution_events_1/);
    expect(plan('SELECT event, pos FROM execution_events WHERE pos > 5 AND execution_id IS NOT NULL ORDER BY pos LIMIT 10')).toMatch(/SEARCH execution_events USING INTEGER PRIMARY KEY/);
    db.close();
  });
});

/** The store's schema at `version`, as the store migrates it. */
function databaseAt(version: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= version)) {
    if (migration.foreign_keys === 'off') db.pragma('foreign_keys = OFF');
    db.exec(migration.sql);
    db.pragma('foreign_keys = ON');
    db.pragma(`user_version = ${migration.version}`);
  }
  return db;
}

const STARTED = { event_type: 'task_started', workflow_id: 'w', timestamp: '2026-12-05T00:00:00.000Z', data: {} };
const started = (id: string, seq: number) => ({ ...STARTED, execution_id: id, seq }) as never;

describe('migration 10: positions never reused', () => {
  it('keeps every event with its execution, seq, text and position, and the keys', async () => {
    const rows = databaseAtVersion8();
    await createSqliteStore({ file }).close();
    const db = openMigrated();
    expect(db.prepare('SELECT pos, execution_id, seq, event FROM execution_events ORDER BY pos').all()).toEqual(rows);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'execution_events' AND type <> 'table' ORDER BY name").pluck().all()).toEqual([
      'execution_events_keep_highest',
      'sqlite_autoindex_execution_events_1',
    ]);
    db.pragma('foreign_keys = ON');
    expect(() => db.prepare("INSERT INTO execution_events (execution_id, seq, event) VALUES ('nobody', 1, '{}')").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO execution_events (execution_id, seq, event) VALUES ('x', 0, '{}')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO execution_events (execution_id, seq, event) VALUES ('x', 1, '{}')").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('keeps the highest position whatever deletes the rows holding it', async () => {
    const db = databaseAt(10);
    const insert = db.prepare(INSERT);
    const append = db.prepare('INSERT INTO execution_events (execution_id, seq, event) VALUES (?, ?, ?)');
    const highest = (): number => db.prepare('SELECT MAX(pos) FROM execution_events').pluck().get() as number;
    let given = 0;
    const appendTo = (id: string, count: number): void => {
      for (let seq = 1; seq <= count; seq += 1) given = Number(append.run(id, seq, '{}').lastInsertRowid);
    };
    const deletes: Array<[string, () => void]> = [
      ['a cascade from its execution', () => db.prepare("DELETE FROM executions WHERE id = 'e'").run()],
      ['its events, newest first', () => db.prepare("DELETE FROM execution_events WHERE pos IN (SELECT pos FROM execution_events WHERE execution_id = 'e' ORDER BY pos DESC)").run()],
      ['every row, the placeholder too', () => db.prepare('DELETE FROM execution_events').run()],
      ['a range of positions taking the placeholder', () => db.prepare('DELETE FROM execution_events WHERE pos > 2').run()],
      ['the placeholder alone', () => db.prepare('DELETE FROM execution_events WHERE execution_id IS NULL').run()],
    ];
    for (const recursive of ['OFF', 'ON']) {
      db.pragma(`recursive_triggers = ${recursive}`);
      for (const [how, remove] of deletes) {
        insert.run('e', 'running', 'x', 'x');
        appendTo('e', 3);
        const before = given;
        remove();
        db.prepare("DELETE FROM executions WHERE id = 'e'").run();
        expect([how, recursive, highest()]).toEqual([how, recursive, before]);
        expect(db.prepare('SELECT COUNT(*) FROM execution_events WHERE execution_id IS NULL').pluck().get()).toBeLessThanOrEqual(1);
        insert.run('e', 'running', 'x', 'x');
        appendTo('e', 1);
        expect([how, recursive, given]).toEqual([how, recursive, before + 1]);
        db.prepare("DELETE FROM executions WHERE id = 'e'").run();
      }
    }
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    // VACUUM keeps the rowids of a table with an INTEGER PRIMARY KEY, the placeholder's too
    db.exec('VACUUM');
    expect(highest()).toBe(given);
    db.close();
  });

  it('reads a full page of events past the placeholder, never the placeholder', async () => {
    databaseAt(10).close();
    const store = createSqliteStore({ file });
    for (const id of ['a', 'b', 'c']) await store.executions.createExecution(executionRecord(id));
    await store.executions.appendEvents([started('a', 1), started('a', 2), started('b', 1), started('b', 2)]);
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    db.prepare("DELETE FROM executions WHERE id = 'b'").run();
    db.close();
    expect(await store.executions.readEventsAfterPosition(0, 10)).toHaveLength(2);
    expect(await store.executions.lastEventPosition()).toBe(4);
    await store.executions.appendEvents([started('c', 1), started('c', 2)]);
    const page = await store.executions.readEventsAfterPosition(0, 3);
    expect(page.map((e) => [e.execution_id, e.seq, e.position])).toEqual([['a', 1, 1], ['a', 2, 2], ['c', 1, 5]]);
    expect(await store.executions.readEvents('c')).toHaveLength(2);
    await store.close();
  });
});
