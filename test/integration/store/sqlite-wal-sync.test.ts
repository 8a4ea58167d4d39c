/**
 * SqliteGate with the write-ahead log's sync off the event loop: a write resolves only
 * after the log was synced, reads and task logs sync nothing, and no statement runs on
 * the connection while a sync is under way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteGate } from '../../../src/store/sqlite/executor.js';
import { createWalSync, type WalSync } from '../../../src/store/sqlite/wal-sync.js';

let dir: string;
let db: Database.Database;
let sync: WalSync;
let flushes: number;
/** Set while a flush is under way. */
let syncing: boolean;
let gate: SqliteGate;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-wal-sync-'));
  const file = join(dir, 'db.sqlite');
  db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (n INTEGER)');
  const real = createWalSync(file);
  flushes = 0;
  syncing = false;
  sync = {
    async flush() {
      flushes += 1;
      syncing = true;
      try {
        await real.flush();
      } finally {
        syncing = false;
      }
    },
    close: () => real.close(),
  };
  gate = new SqliteGate(db, sync);
});

afterEach(() => {
  db.close();
  sync.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteGate with a WAL sync', () => {
  it('resolves a write outside a transaction once the log is synced', async () => {
    await gate.outside.run((d) => d.prepare('INSERT INTO t VALUES (1)').run());
    expect(flushes).toBe(1);
  });

  it('syncs nothing for a read', async () => {
    await gate.outside.run((d) => d.prepare('SELECT COUNT(*) FROM t').get());
    expect(flushes).toBe(0);
  });

  it('resolves a transaction once its commit is synced', async () => {
    await gate.transaction(async (inside) => {
      await inside.run((d) => d.prepare('INSERT INTO t VALUES (1)').run());
      await inside.run((d) => d.prepare('INSERT INTO t VALUES (2)').run());
    });
    expect(flushes).toBe(1);
  });

  it('syncs nothing for a transaction rolled back', async () => {
    await expect(
      gate.transaction(async (inside) => {
        await inside.run((d) => d.prepare('INSERT INTO t VALUES (1)').run());
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(flushes).toBe(0);
  });

  it('leaves a write that is not durable to the next durable one', async () => {
    await gate.outside.run((d) => d.prepare('INSERT INTO t VALUES (1)').run(), { durable: false });
    await gate.outside.run((d) => d.prepare('SELECT COUNT(*) FROM t').get());
    expect(flushes).toBe(0);
    await gate.outside.run((d) => d.prepare('INSERT INTO t VALUES (2)').run());
    expect(flushes).toBe(1);
  });

  it('runs no statement while a sync is under way', async () => {
    const seen: boolean[] = [];
    await Promise.all([
      gate.outside.run((d) => d.prepare('INSERT INTO t VALUES (1)').run()),
      gate.outside.run((d) => seen.push(syncing)),
      gate.transaction(async (inside) => {
        await inside.run((d) => seen.push(syncing));
      }),
      gate.outside.run((d) => seen.push(syncing)),
    ]);
    expect(seen).toEqual([false, false, false]);
  });
});
