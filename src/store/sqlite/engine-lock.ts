/**
 * One engine per embedded database. Two engines on one SQLite file would both drive the
 * same unfinished executions (each re-running the other's tasks), so the engine's process
 * holds an exclusive lock for its lifetime. The lock is an exclusive transaction on a small
 * side database: an operating-system file lock, which the kernel drops when the process
 * dies however it dies, so a crash never leaves a stale lock behind.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import DatabaseConstructor from 'better-sqlite3';
import { HarmoniaError } from '../../core/errors.js';

/** Who holds an engine lock: shown to the process refused it. */
export interface EngineHolder {
  pid: number;
  command: string;
}

/** A held lock; release() lets the next engine in. */
export interface EngineLock {
  release(): void;
}

function describeHolder(infoFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(infoFile, 'utf8')) as Partial<EngineHolder> & { since?: string };
    return `process ${String(holder.pid)} (${String(holder.command)}${holder.since ? `, since ${holder.since}` : ''})`;
  } catch {
    return 'another process';
  }
}

/**
 * Takes the engine lock of the database at `file`.
 * Thrown when another live process holds it: STORE_LOCKED naming that process.
 */
export function acquireEngineLock(file: string, holder: EngineHolder): EngineLock {
  const lockFile = `${file}.engine-lock`;
  const infoFile = `${lockFile}.json`;
  const db = new DatabaseConstructor(lockFile);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (cause) {
    db.close();
    throw new HarmoniaError(
      'STORE_LOCKED',
      `the database ${file} is in use by ${describeHolder(infoFile)}; stop it first, or point this command at another data dir`,
      { cause, details: { file } },
    );
  }
  writeFileSync(infoFile, JSON.stringify({ ...holder, since: new Date().toISOString() }), { mode: 0o600 });
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(infoFile, { force: true });
      db.close();
    },
  };
}
