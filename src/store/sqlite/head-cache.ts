/**
 * Definition heads read outside transactions on one SQLite connection, kept until the
 * registry may have changed: a registry write through this connection forgets them all, and
 * a commit by any other connection (the CLI, another process) moves `PRAGMA data_version`.
 * Every start of an execution by ref reads its workflow's head: 2–3 µs for the pragma
 * instead of 15–20 µs for a read transaction in WAL mode on this project's VM.
 */
import type { Database } from 'better-sqlite3';
import type { DefinitionHead } from '../../core/model.js';

/** Heads remembered at most; past this, all are forgotten. */
const MAX_HEADS = 1_000;

export interface HeadCache {
  /** The head read earlier (null: none), or undefined when it must be read. */
  get(key: string): DefinitionHead | null | undefined;
  /** Remembers a head read outside a transaction (one read inside may not be committed). */
  set(key: string, head: DefinitionHead | null): void;
  /** Forgets every head: the registry is being written through this connection. */
  clear(): void;
}

const byConnection = new WeakMap<Database, HeadCache>();

/** The head cache of connection `db`, shared by the registry repositories in and out of transactions. */
export function headCacheOf(db: Database): HeadCache {
  let cache = byConnection.get(db);
  if (cache === undefined) {
    cache = createHeadCache(db);
    byConnection.set(db, cache);
  }
  return cache;
}

function createHeadCache(db: Database): HeadCache {
  // Its own statement, not the shared cache's: pluck() changes the statement.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const heads = new Map<string, DefinitionHead | null>();
  let seenVersion = -1;
  return {
    get(key) {
      if (db.inTransaction) return undefined;
      const version = dataVersion.get() as number;
      if (version !== seenVersion) {
        seenVersion = version;
        heads.clear();
        return undefined;
      }
      const head = heads.get(key);
      return head === undefined || head === null ? head : { ...head };
    },
    set(key, head) {
      if (db.inTransaction) return;
      if (heads.size >= MAX_HEADS) heads.clear();
      heads.set(key, head === null ? null : { ...head });
    },
    clear() {
      heads.clear();
    },
  };
}
