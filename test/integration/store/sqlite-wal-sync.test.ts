/**
 * The log's fsync off the event loop: a transaction is acknowledged only once the log is on
 * disk, acknowledgements keep commit order, and a failed fsync fails what it covered and
 * stops every later write. Real SQLite files; the fsync is the store's module boundary,
 * wrapped so that the test decides when each one returns.
 */
import { closeSync, fstatSync, fsync as fsyncCallback, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHarmoniaError } from '../../../src/core/errors.js';
import type { ComponentRecord, ExecutionEvent, ExecutionRecord } from '../../../src/core/model.js';
import { createWriteQueue } from '../../../src/engine/write-queue.js';
import type { Store } from '../../../src/store/store.js';
import { SqliteGate } from '../../../src/store/sqlite/executor.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createWalSync } from '../../../src/store/sqlite/wal-sync.js';

let dir: string;
let stores: Store[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-wal-sync-'));
  stores = [];
});
afterEach(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

function component(n: number): ComponentRecord {
  return { id: `c${n}`, name: `component-${n}`, base_url: 'http://127.0.0.1:1', capabilities: [], metadata: { n }, registered_at: '2026-12-05T00:00:00.000Z', last_heartbeat_at: null };
}

/** One fsync the store asked for: the descriptor, and the test's hand on its outcome. */
interface HeldSync {
  fd: number;
  /** Runs the real fsync, then lets the store go on. */
  release(): void;
  fail(error: Error): void;
}

/** A store whose fsyncs wait for the test; `asked` resolves as each one is asked for. */
function heldStore(name = 'held.db'): { store: Store; file: string; syncs: HeldSync[]; asked: () => Promise<HeldSync> } {
  const syncs: HeldSync[] = [];
  let wake: (() => void) | null = null;
  const file = join(dir, name);
  const store = createSqliteStore({
    file,
    fsync: (fd) =>
      new Promise<void>((resolve, reject) => {
        syncs.push({
          fd,
          release: () => fsyncCallback(fd, (error) => (error ? reject(error) : resolve())),
          fail: reject,
        });
        wake?.();
      }),
  });
  stores.push(store);
  let seen = 0;
  const asked = async (): Promise<HeldSync> => {
    while (syncs.length <= seen) await new Promise<void>((resolve) => (wake = resolve));
    seen += 1;
    return syncs[seen - 1] as HeldSync;
  };
  return { store, file, syncs, asked };
}

const OFF_LOOP = { sync_off_loop: true } as const;

const at = new Date(0).toISOString();
const record = (id: string): ExecutionRecord => ({ id, workflow_id: 'wf', workflow_ref: 'demo.x', workflow_version: 1, status: 'running', input: {}, output: null, error: null, parent_execution_id: null, parent_task_id: null, created_at: at, updated_at: at, finished_at: null, last_seq: 0 });
const event = (id: string, seq: number): ExecutionEvent => ({ event_type: 'task_started', execution_id: id, workflow_id: 'wf', task_id: 't', timestamp: at, seq, data: { attempt: seq } });


/** Records when a promise settles, without awaiting it. */
function watch<T>(promise: Promise<T>, log: string[], name: string): Promise<T> {
  promise.then(
    () => log.push(name),
    () => log.push(`${name} failed`),
  );
  return promise;
}

/** Lets every callback already queued run (the store's fsync completions are microtasks and I/O). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createSqliteStore() with the log synced off the loop', () => {
  it('acknowledges a transaction only once the fsync of its log returned', async () => {
    const { store, file, asked } = heldStore();
    const log: string[] = [];
    const committed = watch(store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP), log, 'committed');
    const sync = await asked();
    // The descriptor is the log's: the same file the connection writes.
    expect(fstatSync(sync.fd).ino).toBe(statSync(`${file}-wal`).ino);
    await turn();
    expect(log).toEqual([]);
    // Readers of this process already see the commit (see docs/storage.md, Durability).
    expect(await store.components.getComponent('c1')).not.toBeNull();
    sync.release();
    await committed;
    expect(log).toEqual(['committed']);
  });

  it('runs the next transaction while the fsync is under way, covers the commits made meanwhile with one fsync, and answers in commit order', async () => {
    const { store, syncs, asked } = heldStore();
    const log: string[] = [];
    const first = watch(store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP), log, 'first');
    const firstSync = await asked();
    const second = watch(store.transaction((tx) => tx.components.upsertComponent(component(2)), OFF_LOOP), log, 'second');
    const third = watch(store.transaction((tx) => tx.components.upsertComponent(component(3)), OFF_LOOP), log, 'third');
    // Both committed (visible) while the first fsync has not returned, and no second fsync
    // runs beside it.
    while ((await store.components.getComponent('c3')) === null) await turn();
    expect(syncs).toHaveLength(1);
    expect(log).toEqual([]);
    firstSync.release();
    await first;
    const next = await asked();
    await turn();
    expect(log).toEqual(['first']);
    next.release();
    await Promise.all([second, third]);
    expect(log).toEqual(['first', 'second', 'third']);
    expect(syncs).toHaveLength(2);
  });

  it('fails every commit a failed fsync covered and every write after it, and keeps answering reads', async () => {
    const { store, asked } = heldStore();
    await store.components.upsertComponent(component(0));
    const log: string[] = [];
    const first = watch(store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP), log, 'first');
    const firstSync = await asked();
    const second = watch(store.transaction((tx) => tx.components.upsertComponent(component(2)), OFF_LOOP), log, 'second');
    while ((await store.components.getComponent('c2')) === null) await turn();
    firstSync.fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(first).rejects.toMatchObject({ code: 'STORE_SYNC_FAILED' });
    // The second was waiting for the next fsync: never acknowledged, and no fsync retried.
    await expect(second).rejects.toMatchObject({ code: 'STORE_SYNC_FAILED' });
    expect(log).toEqual(['first failed', 'second failed']);
    const refused = await store.transaction((tx) => tx.components.upsertComponent(component(3)), OFF_LOOP).catch((error: unknown) => error);
    expect(isHarmoniaError(refused) && refused.code).toBe('STORE_SYNC_FAILED');
    // Writes outside a transaction are refused too (the connection is query-only now).
    const outside = await store.components.upsertComponent(component(4)).catch((error: unknown) => error);
    expect(isHarmoniaError(outside) && outside.code).toBe('STORE_SYNC_FAILED');
    expect(await store.components.getComponent('c0')).not.toBeNull();
  });

  it('answers a transaction that synced in its own COMMIT only after an earlier one whose fsync is under way', async () => {
    const { store, syncs, asked } = heldStore();
    const log: string[] = [];
    const first = watch(store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP), log, 'off the loop');
    const firstSync = await asked();
    const second = watch(store.transaction((tx) => tx.components.upsertComponent(component(2))), log, 'in its commit');
    while ((await store.components.getComponent('c2')) === null) await turn();
    await turn();
    expect(log).toEqual([]);
    firstSync.release();
    await Promise.all([first, second]);
    expect(log).toEqual(['off the loop', 'in its commit']);
    expect(syncs).toHaveLength(1);
  });

  it('answers a one-write commit of steps only after an earlier commit whose fsync is under way', async () => {
    const { store, syncs, asked } = heldStore();
    await store.transaction((tx) => tx.executions.createExecution(record('a')));
    const log: string[] = [];
    const first = watch(store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP), log, 'off the loop');
    const firstSync = await asked();
    const commitSteps = store.executions.commitSteps;
    if (!commitSteps) throw new Error('the SQLite store offers no commitSteps');
    const step = watch(commitSteps.call(store.executions, { events: [event('a', 1)], updates: [{ id: 'a', patch: { last_seq: 1 } }], fenced: [], released: [] }), log, 'step');
    while ((await store.executions.getExecution('a'))?.last_seq !== 1) await turn();
    await turn();
    expect(log).toEqual([]);
    firstSync.release();
    await Promise.all([first, step]);
    expect(log).toEqual(['off the loop', 'step']);
    expect(syncs).toHaveLength(1);
  });

  it('resolves durable() once the commits a reader may already see are on disk', async () => {
    const { store, asked } = heldStore();
    await store.durable?.();
    const log: string[] = [];
    const committed = store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP);
    const sync = await asked();
    const durable = watch(store.durable?.() ?? Promise.reject(new Error('no durable()')), log, 'durable');
    await turn();
    expect(log).toEqual([]);
    sync.release();
    await Promise.all([committed, durable]);
    expect(log).toEqual(['durable']);
  });

  it('commits a transaction at synchronous=NORMAL and leaves the connection at FULL, so a write outside one syncs itself', async () => {
    const file = join(dir, 'gate.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (n INTEGER)');
    const calls: number[] = [];
    const sync = createWalSync({ file, fsync: async (fd) => void calls.push(fd) });
    if (sync === null) throw new Error('the log cannot be written');
    const gate = new SqliteGate(db, { sync });
    const inside = await gate.transaction((tx) => tx.run((conn) => conn.prepare('INSERT INTO t VALUES (1)').run() && (conn.pragma('synchronous', { simple: true }) as number)), true);
    expect(inside).toBe(1);
    expect(calls).toHaveLength(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // A failed transaction puts it back too.
    await expect(gate.transaction(() => Promise.reject(new Error('no')), true)).rejects.toThrow('no');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await gate.outside.run((conn) => conn.prepare('INSERT INTO t VALUES (2)').run());
    // Not asked to: synced in its COMMIT, at FULL, and no fsync of ours.
    expect(await gate.transaction((tx) => tx.run((conn) => conn.prepare('INSERT INTO t VALUES (3)').run() && (conn.pragma('synchronous', { simple: true }) as number)))).toBe(2);
    expect(calls).toHaveLength(1);
    await sync.close();
    db.close();
  });

  it('keeps what it acknowledged after the store is closed and opened again, with the real fsync', async () => {
    const file = join(dir, 'real.db');
    const store = createSqliteStore({ file });
    for (let n = 0; n < 20; n += 1) await store.transaction((tx) => tx.components.upsertComponent(component(n)), OFF_LOOP);
    await store.close();
    const again = createSqliteStore({ file });
    stores.push(again);
    expect(await again.components.listComponents()).toHaveLength(20);
  });

  it('keeps every acknowledged commit across restarts of the log, with the checkpoint worker copying it', async () => {
    const file = join(dir, 'restarts.db');
    const store = createSqliteStore({ file });
    const pad = 'x'.repeat(6000);
    // Two pages a commit or more: past CHECKPOINT_PAGES several times over.
    for (let n = 0; n < 1500; n += 1) {
      await store.transaction((tx) => tx.components.upsertComponent({ ...component(n), metadata: { pad } }), OFF_LOOP);
    }
    // The log header's checkpoint sequence (bytes 12–15) counts the restarts.
    const header = Buffer.alloc(32);
    const fd = openSync(`${file}-wal`, 'r');
    readSync(fd, header, 0, 32, 0);
    closeSync(fd);
    expect(header.readUInt32BE(12)).toBeGreaterThan(0);
    await store.close();
    const again = createSqliteStore({ file });
    stores.push(again);
    expect(await again.components.listComponents()).toHaveLength(1500);
    // 1,500 real fsyncs: seconds on a quiet disk, minutes on a busy one.
  }, 240_000);

  it('leaves every sync to SQLite when turned off', async () => {
    const calls: number[] = [];
    const store = createSqliteStore({ file: join(dir, 'off.db'), sync_off_loop: false, fsync: async (fd) => void calls.push(fd) });
    stores.push(store);
    await store.transaction((tx) => tx.components.upsertComponent(component(1)), OFF_LOOP);
    expect(calls).toEqual([]);
  });
});

describe('createWriteQueue() on a store that syncs off the loop', () => {

  it('acknowledges a commit that creates an execution once its fsync off the loop returned, and syncs a step in its COMMIT', async () => {
    const { store, syncs, asked } = heldStore();
    const queue = createWriteQueue(store);
    const log: string[] = [];
    const created = watch(queue.write({ events: [event('a', 1)], before: (tx) => tx.executions.createExecution(record('a')), projection: { id: 'a', patch: { last_seq: 1 } } }), log, 'created');
    const sync = await asked();
    while ((await store.executions.getExecution('a')) === null) await turn();
    await turn();
    expect(log).toEqual([]);
    sync.release();
    await created;
    await queue.write({ events: [event('a', 2)], projection: { id: 'a', patch: { last_seq: 2 } } });
    expect(syncs).toHaveLength(1);
    expect((await store.executions.getExecution('a'))?.last_seq).toBe(2);
  });
});
