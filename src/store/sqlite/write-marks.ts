/**
 * Change marks of executions on one SQLite connection: a number per execution that moves
 * whenever its rows may have changed, read without touching them. Writes made through
 * this connection mark the executions they touch; a commit by any other connection (the
 * CLI, another process, a second store on the file) moves `PRAGMA data_version`, and then
 * every mark moves at once. A status poll of a finished execution can so be answered from
 * what was built for the same mark, without reading the row (5–50 µs in WAL mode here).
 */
import type { Database } from 'better-sqlite3';

/** Executions remembered one by one; past this, all are forgotten and every mark moves once. */
const MAX_TRACKED = 10_000;

export interface WriteMarks {
  /** Records a write (committed or not: a rollback only costs a needless re-read) to execution `id`. */
  touch(id: string): void;
  /** The mark of execution `id` now. */
  markOf(id: string): number;
}

const byConnection = new WeakMap<Database, WriteMarks>();

/** The marks of connection `db`, shared by the repositories in and out of transactions. */
export function writeMarksOf(db: Database): WriteMarks {
  let marks = byConnection.get(db);
  if (marks === undefined) {
    marks = createWriteMarks(db);
    byConnection.set(db, marks);
  }
  return marks;
}

function createWriteMarks(db: Database): WriteMarks {
  // Its own statement, not the shared cache's: pluck() changes the statement.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let clock = 0;
  // An execution not in `last` was last written at or before `floor`.
  let floor = 0;
  const last = new Map<string, number>();
  let seenVersion = dataVersion.get() as number;
  return {
    touch(id) {
      clock += 1;
      if (last.size >= MAX_TRACKED && !last.has(id)) {
        last.clear();
        floor = clock;
      }
      last.set(id, clock);
    },
    markOf(id) {
      const version = dataVersion.get() as number;
      if (version !== seenVersion) {
        seenVersion = version;
        clock += 1;
        floor = clock;
        last.clear();
      }
      return last.get(id) ?? floor;
    },
  };
}
