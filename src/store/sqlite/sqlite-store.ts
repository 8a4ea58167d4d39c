import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { HarmoniaError } from '../../core/errors.js';
import type { Store, StoreSession } from '../store.js';
import { SqliteComponentRepo } from './component-repo.js';
import { acquireEngineLock, type EngineLock } from './engine-lock.js';
import { SqliteExecutionRepo } from './execution-repo.js';
import { SqliteGate, type SqliteExecutor } from './executor.js';
import { SqliteTriggerRepo } from './trigger-repo.js';
import { SQLITE_MIGRATIONS } from './migrations/index.js';
import { SqliteRegistryRepo } from './registry-repo.js';
import { createCheckpointer } from './checkpointer.js';
import { createWalSync, type Fsync, type WalSync } from './wal-sync.js';

export interface SqliteStoreOptions {
  /** Database file, or `:memory:` for throwaway stores. */
  file: string;
  /**
   * `FULL` survives power loss; `NORMAL` survives a process crash only.
   * @default 'FULL'
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * With `synchronous: 'FULL'`, a transaction asked to (`TransactionOptions.sync_off_loop`)
   * has its fsync of the log run on libuv's thread pool and resolves once it is done
   * (wal-sync.ts): the same durability for everything acknowledged, without the event loop
   * stopping for the disk. Off, every COMMIT syncs on the loop.
   * @default true
   */
  sync_off_loop?: boolean;
  /** The fsync the off-loop sync calls (tests observe or fail it). @default node:fs's fsync */
  fsync?: Fsync;
}

function sessionFor(exec: SqliteExecutor): StoreSession {
  return {
    registry: new SqliteRegistryRepo(exec),
    executions: new SqliteExecutionRepo(exec),
    components: new SqliteComponentRepo(exec),
    triggers: new SqliteTriggerRepo(exec),
  };
}

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrateSqlite(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of SQLITE_MIGRATIONS) {
    if (migration.version <= current) continue;
    // Only outside a transaction does the pragma take effect.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.foreign_keys === 'off') db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.foreign_keys === 'off') {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`${broken.length} rows break a foreign key: ${JSON.stringify(broken.slice(0, 3))}`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (cause) {
      throw new HarmoniaError('STORE_MIGRATION_FAILED', `migration ${migration.version} (${migration.name}) failed`, {
        cause,
      });
    } finally {
      if (migration.foreign_keys === 'off') db.pragma(`foreign_keys = ${foreignKeys}`);
    }
  }
}

/**
 * The database holds every execution's history: its folder is created 0700 and the file
 * 0600 (SQLite gives its -wal and -shm files the database file's mode). A file of ours left
 * readable by others from an older version is tightened.
 */
function prepareFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    if (mine && (stat.mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

/** Opens (creating if needed) the embedded SQLite store and brings its schema up to date. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.file !== ':memory:') prepareFile(options.file);
  const db = new DatabaseConstructor(options.file);
  db.pragma('journal_mode = WAL');
  const synchronous = options.synchronous ?? 'FULL';
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db);
  // Checkpoints leave the event loop, on a worker started once the store has written a little.
  const checkpointer = options.file === ':memory:' ? null : createCheckpointer(db, options.file);
  let sync: WalSync | undefined;
  if (options.file !== ':memory:' && synchronous === 'FULL' && options.sync_off_loop !== false) {
    sync =
      createWalSync({
        file: options.file,
        ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
        onFailure: () => {
          // Refuse every write, outside transactions too, and copy nothing more into the database.
          if (db.open) db.pragma('query_only = ON');
          void checkpointer?.close().catch(() => undefined);
        },
      }) ?? undefined;
  }
  const gate = new SqliteGate(db, {
    ...(checkpointer === null ? {} : { committed: () => checkpointer.committed(), writable: () => checkpointer.writable() }),
    ...(sync === undefined ? {} : { sync }),
  });
  const outside = sessionFor(gate.outside);
  // Repositories hold no state of their own: one set serves every transaction.
  const inside = sessionFor(gate.inside);
  let lock: EngineLock | null = null;
  return {
    backend: 'sqlite',
    ...outside,
    transaction: (fn, txOptions) => gate.transaction(() => fn(inside), txOptions?.sync_off_loop === true),
    durable: () => gate.durable(),
    claimEngine(holder) {
      if (options.file === ':memory:' || lock !== null) return;
      lock = acquireEngineLock(options.file, holder);
    },
    close: async () => {
      await sync?.close();
      await checkpointer?.close();
      db.close();
      lock?.release();
      lock = null;
    },
  };
}
