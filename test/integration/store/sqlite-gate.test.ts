/** SqliteGate: who may begin a write on the one connection, and when. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteGate } from '../../../src/store/sqlite/executor.js';

function table(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
  return db;
}

const rows = (db: Database.Database): number[] => db.prepare('SELECT n FROM t ORDER BY n').pluck().all() as number[];

describe('SqliteGate.outside.write()', () => {
  it('begins only once the checkpointer stops holding writes, then counts its commit', async () => {
    const db = table();
    let release!: () => void;
    let holding: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
    let commits = 0;
    const gate = new SqliteGate(db, { committed: () => (commits += 1), writable: () => holding });
    const write = gate.outside.write((conn) => conn.prepare('INSERT INTO t VALUES (1)').run());
    await Promise.resolve();
    expect(rows(db)).toEqual([]);
    holding = undefined;
    release();
    await write;
    expect(rows(db)).toEqual([1]);
    expect(commits).toBe(1);
  });

  it('waits for an open transaction instead of joining it', async () => {
    const db = table();
    const gate = new SqliteGate(db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const open = gate.transaction(async (exec) => {
      entered();
      await held;
      await exec.run((conn) => conn.prepare('INSERT INTO t VALUES (1)').run());
      throw new Error('rolled back');
    });
    await inside;
    const write = gate.outside.write((conn) => conn.prepare('INSERT INTO t VALUES (2)').run());
    release();
    await expect(open).rejects.toThrow('rolled back');
    await write;
    // The transaction's row went with its rollback; the write was not part of it.
    expect(rows(db)).toEqual([2]);
  });

  it('writes nothing when its function throws, and leaves no transaction open', async () => {
    const db = table();
    const gate = new SqliteGate(db);
    await expect(
      gate.outside.write((conn) => {
        conn.prepare('INSERT INTO t VALUES (1)').run();
        conn.prepare('INSERT INTO t VALUES (1)').run();
      }),
    ).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(db.inTransaction).toBe(false);
    expect(rows(db)).toEqual([]);
  });
});

describe('SqliteGate.outside.runNow()', () => {
  it('reads at once outside a transaction, gives `busy` while one is open, and maps errors as run does', async () => {
    const db = table();
    const gate = new SqliteGate(db);
    await gate.outside.write((conn) => conn.prepare('INSERT INTO t VALUES (1)').run());
    expect(gate.outside.runNow((conn) => rows(conn), 'busy')).toEqual([1]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const open = gate.transaction(async (exec) => {
      await exec.run((conn) => conn.prepare('INSERT INTO t VALUES (2)').run());
      // Inside the transaction its own executor reads at once, uncommitted rows included.
      expect(exec.runNow((conn) => rows(conn), 'busy')).toEqual([1, 2]);
      entered();
      await held;
    });
    await inside;
    // Outside, it would have joined the open transaction: it says busy instead.
    expect(gate.outside.runNow((conn) => rows(conn), 'busy')).toBe('busy');
    release();
    await open;
    expect(gate.outside.runNow((conn) => rows(conn), 'busy')).toEqual([1, 2]);
    expect(() => gate.outside.runNow((conn) => conn.prepare('INSERT INTO t VALUES (1)').run(), 'busy')).toThrow(expect.objectContaining({ code: 'STORE_CONFLICT' }));
  });
});
