/** Checkpoints on a worker thread: the log is copied into the database off the event loop. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComponentRecord } from '../../../src/core/model.js';
import { BACKSTOP_PAGES, CHECKPOINT_PAGES, MAX_UNREAD_COMMITS, TAIL_PAGES, createCheckpointer } from '../../../src/store/sqlite/checkpointer.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-checkpointer-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function component(n: number): ComponentRecord {
  return { id: `c${n}`, name: `component-${n}`, base_url: 'http://127.0.0.1:1', capabilities: [], metadata: { n }, registered_at: '2026-12-05T00:00:00.000Z', last_heartbeat_at: null };
}

/** A WAL database of its own in `dir` with no automatic checkpoint, and an insert of one row (a page each when `padded`). */
function walTable(name: string, padded: boolean): { file: string; db: Database.Database; insert: Database.Statement<[number]> } {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(padded ? 'CREATE TABLE t (n INTEGER, pad BLOB)' : 'CREATE TABLE t (n INTEGER)');
  const insert = db.prepare<[number]>(padded ? 'INSERT INTO t VALUES (?, zeroblob(4000))' : 'INSERT INTO t VALUES (?)');
  return { file, db, insert };
}

/** Frames in the log after a checkpoint of the connection's own: few once another connection checkpointed and a write restarted it. */
function logFrames(db: Database.Database): number {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
  return row?.log ?? -1;
}

describe('createCheckpointer()', () => {
  it('checkpoints the log on its worker once enough pages wait, so the next write starts the log afresh', async () => {
    const { file, db, insert } = walTable('db.sqlite', true);
    // A page each: more than a checkpoint waits for.
    for (let i = 0; i < CHECKPOINT_PAGES + 100; i += 1) insert.run(i);
    const checkpointer = createCheckpointer(db, file);
    for (let i = 0; i < 16; i += 1) checkpointer.committed();
    await checkpointer.settled();
    // The worker reported its checkpoint, so it was online and had set the backstop first.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    insert.run(-1);
    expect(logFrames(db)).toBeLessThan(10);
    await checkpointer.close();
    db.close();
  });

  /** A log of more than CHECKPOINT_PAGES whose worker copy stopped at a reader's snapshot, the reader gone: a tail is left. */
  async function logWithTail(name: string): Promise<{ file: string; db: Database.Database; insert: Database.Statement<[number]>; checkpointer: ReturnType<typeof createCheckpointer> }> {
    const { file, db, insert } = walTable(name, true);
    for (let i = 0; i < CHECKPOINT_PAGES + 100; i += 1) insert.run(i);
    // A reader's snapshot stops the worker's copy where it stands, as commits landing during
    // a checkpoint do under load: the pages written after it are left in a long log.
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM t').get();
    // A few frames each (the row's page, the pages above it): well under TAIL_PAGES.
    for (let i = 0; i < TAIL_PAGES / 16; i += 1) insert.run(i);
    const checkpointer = createCheckpointer(db, file);
    for (let i = 0; i < 16; i += 1) checkpointer.committed();
    await checkpointer.settled();
    reader.exec('COMMIT');
    reader.close();
    return { file, db, insert, checkpointer };
  }

  it('has the worker copy the last pages while the next write waits, so a log written on all along still restarts', async () => {
    const { db, insert, checkpointer } = await logWithTail('tail.sqlite');
    expect(checkpointer.writable()).toBeUndefined();
    checkpointer.committed();
    // Asked of the worker: the event loop goes on, the store's next transaction waits.
    const hold = checkpointer.writable();
    expect(hold).toBeInstanceOf(Promise);
    await hold;
    expect(checkpointer.writable()).toBeUndefined();
    insert.run(-1);
    expect(logFrames(db)).toBeLessThan(10);
    await checkpointer.close();
    db.close();
  });

  it('copies a tail the worker left behind itself, at once', async () => {
    const { file, db, insert, checkpointer } = await logWithTail('tail-left.sqlite');
    // Frames written after another snapshot, during the worker's copy of the tail: left again.
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM t').get();
    for (let i = 0; i < 4; i += 1) insert.run(i);
    checkpointer.committed();
    await checkpointer.writable();
    reader.exec('COMMIT');
    reader.close();
    checkpointer.committed();
    // Copied here and now (nothing was asked of the worker), so the next write restarts the log.
    expect(checkpointer.writable()).toBeUndefined();
    let pending = true;
    void checkpointer.settled().then(() => (pending = false));
    await Promise.resolve();
    expect(pending).toBe(false);
    insert.run(-1);
    expect(logFrames(db)).toBeLessThan(10);
    await checkpointer.close();
    db.close();
  });

  it('makes a store transaction wait for the tail copy and then restart the log', async () => {
    const file = join(dir, 'store.sqlite');
    const store = createSqliteStore({ file });
    let n = 0;
    // Component rows written in transactions until the log is long and copied to its tail.
    const write = (): Promise<void> => store.transaction((tx) => tx.components.upsertComponent(component((n += 1))));
    // The log's length (mxFrame) from the wal-index header, without touching the database.
    const frames = (): number => readFileSync(`${file}-shm`).readUInt32LE(16);
    let longest = 0;
    for (let i = 0; i < 4000 && !(longest >= CHECKPOINT_PAGES && frames() < 50); i += 1) {
      await write();
      longest = Math.max(longest, frames());
    }
    expect(longest).toBeGreaterThanOrEqual(CHECKPOINT_PAGES);
    expect(frames()).toBeLessThan(50);
    expect((await store.components.listComponents()).length).toBe(n);
    await store.close();
  });

  it('asks for no checkpoint while fewer pages wait', async () => {
    const { file, db, insert } = walTable('few.sqlite', false);
    for (let i = 0; i < 100; i += 1) insert.run(i);
    const checkpointer = createCheckpointer(db, file);
    for (let i = 0; i < 32; i += 1) checkpointer.committed();
    let pending = true;
    void checkpointer.settled().then(() => (pending = false));
    await Promise.resolve();
    expect(pending).toBe(false);
    // Nothing was copied: the connection's own checkpoint finds every frame still to copy.
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    expect(row?.log).toBeGreaterThan(50);
    await checkpointer.close();
    db.close();
  });

  /** Whether the checkpointer has a checkpoint running (asked of its worker): settled() is then still pending a turn later. */
  async function checkpointing(checkpointer: ReturnType<typeof createCheckpointer>): Promise<boolean> {
    let pending = true;
    void checkpointer.settled().then(() => (pending = false));
    await Promise.resolve();
    return pending;
  }

  it('reads the log less often while it is short, yet asks for the checkpoint by the commit that makes it long enough', async () => {
    const { file, db, insert } = walTable('steady.sqlite', true);
    const checkpointer = createCheckpointer(db, file);
    const frames = (): number => readFileSync(`${file}-shm`).readUInt32LE(16);
    let askedAt = -1;
    let before = 0;
    for (let i = 0; i < 2 * CHECKPOINT_PAGES && askedAt < 0; i += 1) {
      before = frames();
      insert.run(i);
      checkpointer.committed();
      if (await checkpointing(checkpointer)) askedAt = frames();
    }
    // Asked on the very commit that crossed CHECKPOINT_PAGES, not commits later.
    expect(askedAt).toBeGreaterThanOrEqual(CHECKPOINT_PAGES);
    expect(before).toBeLessThan(CHECKPOINT_PAGES);
    await checkpointer.settled();
    await checkpointer.close();
    db.close();
  });

  it('asks for the checkpoint within MAX_UNREAD_COMMITS commits of one much larger than the ones before it', async () => {
    const { file, db, insert } = walTable('burst.sqlite', true);
    const checkpointer = createCheckpointer(db, file);
    for (let i = 0; i < 40; i += 1) {
      insert.run(i);
      checkpointer.committed();
    }
    expect(await checkpointing(checkpointer)).toBe(false);
    // One commit of more pages than a checkpoint waits for.
    db.transaction(() => {
      for (let i = 0; i < CHECKPOINT_PAGES; i += 1) insert.run(i);
    })();
    let commitsAfter = 0;
    for (let asked = false; !asked; commitsAfter += 1) {
      expect(commitsAfter).toBeLessThanOrEqual(MAX_UNREAD_COMMITS);
      if (commitsAfter > 0) insert.run(-commitsAfter);
      checkpointer.committed();
      asked = await checkpointing(checkpointer);
    }
    await checkpointer.settled();
    await checkpointer.close();
    db.close();
  });

  it('closes a store that committed little with its log removed', async () => {
    const file = join(dir, 'store.db');
    const store = createSqliteStore({ file });
    await store.components.upsertComponent(component(1));
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('closes a store whose worker ran, with its log removed and every row kept', async () => {
    const file = join(dir, 'busy.db');
    const store = createSqliteStore({ file });
    for (let i = 0; i < 40; i += 1) await store.components.upsertComponent(component(i));
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = createSqliteStore({ file });
    expect((await again.components.getComponent('c39'))?.metadata).toEqual({ n: 39 });
    await again.close();
  });

  it('lets a process whose store ran a worker end on its own once the store is closed', async () => {
    const store = join(ROOT, 'dist/store/sqlite/sqlite-store.js');
    expect(existsSync(store), 'run `npm run build` first: the child imports dist/').toBe(true);
    const script = `import { createSqliteStore } from ${JSON.stringify(store)};
      const store = createSqliteStore({ file: ${JSON.stringify(join(dir, 'child.db'))} });
      for (let i = 0; i < 40; i += 1) await store.components.upsertComponent(${JSON.stringify(component(0))});
      await store.close();
      console.log('closed');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout.trim()).toBe('closed');
  });
});
