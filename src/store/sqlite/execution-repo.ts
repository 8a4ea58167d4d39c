import { isConstraintError } from './sqlite-errors.js';
import type { Database } from 'better-sqlite3';
import { HarmoniaError } from '../../core/errors.js';
import { EXECUTION_COLUMNS, executionRowValues } from '../execution-row.js';
import type { CheckpointRecord, ExecutionEvent, ExecutionRecord, ExecutionStatus, TaskError } from '../../core/model.js';
import type { CommitSteps, ExecutionQuery, ExecutionRepo, PurgeBatch, PurgeQuery, StoredTaskLogLine, TaskLogLine, TaskLogQuery } from '../store.js';
import { purgeFinishedOn } from './purge-executions.js';
import type { SqliteExecutor } from './executor.js';
import { prepared } from './statements.js';
import { writeMarksOf } from './write-marks.js';
import { likePattern, likePrefix, likeSuffix } from '../definition-query.js';
import { toLogLine, type LogRow } from '../rows.js';
import { executionOrderBy } from '../execution-order.js';
import { eventText } from '../event-text.js';

interface ExecutionRow {
  id: string;
  workflow_id: string;
  workflow_ref: string;
  workflow_version: number;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  parent_execution_id: string | null;
  parent_task_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  last_seq: number;
}

interface CheckpointRow {
  id: string;
  execution_id: string;
  seq: number;
  snapshot: string;
  created_at: string;
}

// Positional parameters, here and in the UPDATEs: better-sqlite3 binds a named one by
// looking its name up in the object (two property lookups through V8's API per parameter),
// 22,000 instructions per started execution (docs/performance.md, "Sixth round").
const INSERT_EXECUTION = `INSERT INTO executions (${EXECUTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// `pos` is the table's rowid (migration 9), left out: SQLite numbers each row one past the
// largest, which a delete never lowers (migration 10 keeps a placeholder at a deleted
// highest position), and with one writer at a time (BEGIN IMMEDIATE) in commit order.
// Without a MAX(pos) + 1 read and without a given key to look up before each row: ~27,000
// instructions a wide commit (docs/performance.md, "h-wide").
const INSERT_EVENT = 'INSERT INTO execution_events (execution_id, seq, event) VALUES (?, ?, ?)';
const UNFINISHED = `SELECT * FROM executions WHERE status IN ('pending', 'running', 'paused') ORDER BY created_at, rowid`;
const DESCENDANTS = `WITH RECURSIVE tree(id) AS (
  SELECT id FROM executions WHERE parent_execution_id = ?
  UNION ALL SELECT e.id FROM executions e JOIN tree t ON e.parent_execution_id = t.id)
  SELECT COUNT(*) AS n FROM tree`;
// created_at is ISO text in one format, so text order is time order.
const FILTER = `FROM executions WHERE (@status IS NULL OR status = @status) AND (@workflow_ref IS NULL OR workflow_ref = @workflow_ref)
  AND (@since IS NULL OR created_at >= @since) AND (@until IS NULL OR created_at < @until)
  AND (@prefix IS NULL OR id LIKE @prefix ESCAPE '\\' OR id LIKE @suffix ESCAPE '\\' OR workflow_ref LIKE @contains ESCAPE '\\')
  AND (@finished_since IS NULL OR finished_at >= @finished_since) AND (@finished_until IS NULL OR finished_at < @finished_until)`;

const PATCHABLE = ['status', 'output', 'error', 'updated_at', 'finished_at', 'last_seq'] as const;
type Patch = Partial<Pick<ExecutionRecord, (typeof PATCHABLE)[number]>>;

// The UPDATE for each set of patched columns (a bit mask over PATCHABLE), built once: the
// engine patches an execution's row on every step, mostly with the same few columns.
// Positional parameters, in PATCHABLE's order then the id: binding an object by name cost
// an object and a lookup per parameter on every commit.
const updateSql: string[] = [];
function updateSqlFor(mask: number): string {
  let sql = updateSql[mask];
  if (sql === undefined) {
    const keys = PATCHABLE.filter((_key, index) => (mask & (1 << index)) !== 0);
    sql = `UPDATE executions SET ${keys.map((key) => `${key} = ?`).join(', ')} WHERE id = ?`;
    updateSql[mask] = sql;
  }
  return sql;
}

function toRecord(row: ExecutionRow): ExecutionRecord {
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    workflow_ref: row.workflow_ref,
    workflow_version: row.workflow_version,
    status: row.status,
    input: JSON.parse(row.input) as Record<string, unknown>,
    output: row.output === null ? null : (JSON.parse(row.output) as Record<string, unknown>),
    error: row.error === null ? null : (JSON.parse(row.error) as TaskError),
    parent_execution_id: row.parent_execution_id,
    parent_task_id: row.parent_task_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    last_seq: row.last_seq,
  };
}

function toCheckpoint(row: CheckpointRow): CheckpointRecord {
  return { id: row.id, execution_id: row.execution_id, seq: row.seq, snapshot: JSON.parse(row.snapshot) as unknown, created_at: row.created_at };
}

/** Executions, their events, checkpoints and custom state in SQLite. */
export class SqliteExecutionRepo implements ExecutionRepo {
  constructor(private readonly exec: SqliteExecutor) {}

  createExecution(record: ExecutionRecord): Promise<void> {
    return this.exec.run((db) => {
      writeMarksOf(db).touch(record.id);
      try {
        prepared(db, INSERT_EXECUTION).run(...executionRowValues(record));
      } catch (error) {
        if (isConstraintError(error)) {
          throw new HarmoniaError('STORE_CONFLICT', `execution '${record.id}' already exists`, { cause: error });
        }
        throw error;
      }
    });
  }

  getExecution(id: string): Promise<ExecutionRecord | null> {
    return this.exec.run((db) => {
      const row = prepared<ExecutionRow>(db, 'SELECT * FROM executions WHERE id = ?').get(id);
      return row ? toRecord(row) : null;
    });
  }

  changeMark(id: string): Promise<number> {
    return this.exec.run((db) => writeMarksOf(db).markOf(id));
  }

  changeMarkNow(id: string): number | undefined {
    return this.exec.runNow((db) => writeMarksOf(db).markOf(id), undefined);
  }

  listExecutions(query: ExecutionQuery): Promise<{ items: ExecutionRecord[]; total: number }> {
    return this.exec.run((db) => {
      const params = {
        status: query.status ?? null,
        workflow_ref: query.workflow_ref ?? null,
        since: query.created_since ?? null,
        until: query.created_until ?? null,
        prefix: query.text ? likePrefix(query.text) : null,
        suffix: query.text ? likeSuffix(query.text) : null,
        contains: query.text ? likePattern(query.text) : null,
        finished_since: query.finished_since ?? null,
        finished_until: query.finished_until ?? null,
      };
      const limit = query.limit ?? 100;
      const offset = query.offset ?? 0;
      const rows = prepared<ExecutionRow>(db, `SELECT * ${FILTER} ${executionOrderBy(query.sort, 'rowid')} LIMIT @limit OFFSET @offset`).all({
        ...params,
        limit,
        offset,
      });
      const total = prepared<{ n: number }>(db, `SELECT COUNT(*) AS n ${FILTER}`).get(params)?.n ?? 0;
      return { items: rows.map(toRecord), total };
    });
  }

  listUnfinished(): Promise<ExecutionRecord[]> {
    return this.exec.run((db) => prepared<ExecutionRow>(db, UNFINISHED).all().map(toRecord));
  }

  countDescendants(rootId: string): Promise<number> {
    return this.exec.run((db) => prepared<{ n: number }>(db, DESCENDANTS).get(rootId)?.n ?? 0);
  }

  updateExecution(id: string, patch: Patch): Promise<void> {
    return this.exec.run((db) => updateRow(db, id, patch));
  }

  /**
   * One group commit as one synchronous transaction (BEGIN IMMEDIATE, the events, the rows'
   * updates, COMMIT): no promise or turn of the event loop between its statements, where a
   * transaction of awaited calls had one per call. The SQLite store holds no leases: a
   * commit naming any is refused (STORE_CONFLICT), never written unchecked.
   */
  commitSteps(steps: CommitSteps): Promise<void> {
    if (steps.fenced.length > 0 || steps.released.length > 0) {
      return Promise.reject(new HarmoniaError('STORE_CONFLICT', 'the SQLite store holds no execution leases to check or release'));
    }
    return this.exec.write((db) => {
      if (steps.events.length > 0) appendRows(db, steps.events);
      for (const { id, patch } of steps.updates) updateRow(db, id, patch);
    });
  }

  appendEvents(events: readonly ExecutionEvent[]): Promise<void> {
    if (events.length === 0) return this.exec.run(() => undefined);
    // The inserts, numbered one past the largest position, must be one write, in a transaction or not.
    return this.exec.write((db) => appendRows(db, events));
  }

  readEvents(executionId: string, afterSeq = 0, limit = -1): Promise<ExecutionEvent[]> {
    return this.exec.run((db) =>
      prepared<{ event: string }>(db, 'SELECT event FROM execution_events WHERE execution_id = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(executionId, afterSeq, limit)
        .map((row) => JSON.parse(row.event) as ExecutionEvent),
    );
  }

  readEventsAfterPosition(afterPosition: number, limit: number): Promise<ExecutionEvent[]> {
    return this.exec.run((db) =>
      // NOT NULL: not the placeholder that keeps the highest position after a delete (migration 10)
      prepared<{ event: string; pos: number }>(db, 'SELECT event, pos FROM execution_events WHERE pos > ? AND execution_id IS NOT NULL ORDER BY pos LIMIT ?')
        .all(afterPosition, limit)
        .map((row) => ({ ...(JSON.parse(row.event) as ExecutionEvent), position: row.pos })),
    );
  }

  lastEventPosition(): Promise<number> {
    return this.highestEventPosition();
  }

  /** The largest rowid: after a delete of the newest events, their placeholder's (migration 10). */
  highestEventPosition(): Promise<number> {
    return this.exec.run((db) => prepared<{ pos: number | null }>(db, 'SELECT MAX(pos) AS pos FROM execution_events').get()?.pos ?? 0);
  }

  saveCheckpoint(record: CheckpointRecord): Promise<void> {
    return this.exec.run((db) => {
      prepared(db, 'INSERT INTO checkpoints (id, execution_id, seq, snapshot, created_at) VALUES (?, ?, ?, ?, ?)').run(
        record.id,
        record.execution_id,
        record.seq,
        JSON.stringify(record.snapshot),
        record.created_at,
      );
    });
  }

  getCheckpoint(id: string): Promise<CheckpointRecord | null> {
    return this.exec.run((db) => {
      const row = prepared<CheckpointRow>(db, 'SELECT * FROM checkpoints WHERE id = ?').get(id);
      return row ? toCheckpoint(row) : null;
    });
  }

  listCheckpoints(executionId: string): Promise<CheckpointRecord[]> {
    return this.exec.run((db) =>
      prepared<CheckpointRow>(db, 'SELECT * FROM checkpoints WHERE execution_id = ? ORDER BY seq, created_at').all(executionId).map(toCheckpoint),
    );
  }

  saveState(executionId: string, state: Record<string, unknown>): Promise<void> {
    return this.exec.run((db) => {
      prepared(
        db,
        `INSERT INTO execution_state (execution_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (execution_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ).run(executionId, JSON.stringify(state), new Date().toISOString());
    });
  }

  loadState(executionId: string): Promise<Record<string, unknown>> {
    return this.exec.run((db) => {
      const row = prepared<{ state: string }>(db, 'SELECT state FROM execution_state WHERE execution_id = ?').get(executionId);
      return row ? (JSON.parse(row.state) as Record<string, unknown>) : {};
    });
  }

  appendLogs(lines: readonly TaskLogLine[]): Promise<StoredTaskLogLine[]> {
    return this.exec.run((db) => {
      const insert = prepared(db, 'INSERT INTO task_logs (execution_id, task_id, item_index, attempt, stream, at, line) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const all = (): StoredTaskLogLine[] =>
        lines.map((line) => {
          const seq = Number(insert.run(line.execution_id, line.task_id, line.item_index ?? null, line.attempt, line.stream, line.at, line.line).lastInsertRowid);
          return { ...line, seq };
        });
      if (db.inTransaction) return all();
      // One commit for the batch, without an fsync of its own: in WAL mode the next commit of
      // events (synchronous=FULL) syncs these frames too. Logs never stall the event loop on
      // the disk, and a crash of the process loses none of them (power loss may lose the newest).
      const level = db.pragma('synchronous', { simple: true }) as number;
      if (level <= 1) return db.transaction(all)();
      db.pragma('synchronous = NORMAL');
      try {
        return db.transaction(all)();
      } finally {
        db.pragma(`synchronous = ${level}`);
      }
    });
  }

  readLogs(executionId: string, query: TaskLogQuery): Promise<StoredTaskLogLine[]> {
    return this.exec.run((db) =>
      prepared<LogRow>(
        db,
        `SELECT * FROM task_logs WHERE execution_id = ? AND seq > ? AND seq <= ?
           AND (? IS NULL OR task_id = ?) AND (? IS NULL OR attempt = ?) AND (? IS NULL OR stream = ?)
         ORDER BY seq LIMIT ?`,
      )
        .all(
          executionId,
          query.after ?? 0,
          query.through ?? Number.MAX_SAFE_INTEGER,
          query.task_id ?? null,
          query.task_id ?? null,
          query.attempt ?? null,
          query.attempt ?? null,
          query.stream ?? null,
          query.stream ?? null,
          query.limit,
        )
        .map(toLogLine),
    );
  }

  lastLogSeq(executionId: string): Promise<number> {
    return this.exec.run((db) => prepared<{ seq: number | null }>(db, 'SELECT MAX(seq) AS seq FROM task_logs WHERE execution_id = ?').get(executionId)?.seq ?? 0);
  }

  purgeFinished(query: PurgeQuery): Promise<PurgeBatch> {
    return query.dry_run ? this.exec.run((db) => purgeFinishedOn(db, query)) : this.exec.write((db) => purgeFinishedOn(db, query));
  }
}

/** The row's patched columns, in one UPDATE; throws EXEC_NOT_FOUND when there is no such row. */
function updateRow(db: Database, id: string, patch: Patch): void {
  let mask = 0;
  // In PATCHABLE's order, as updateSqlFor lists the columns, then the id.
  const values: unknown[] = [];
  for (let index = 0; index < PATCHABLE.length; index += 1) {
    const key = PATCHABLE[index] as (typeof PATCHABLE)[number];
    const value = patch[key];
    if (value === undefined) continue;
    mask |= 1 << index;
    values.push((key === 'output' || key === 'error') && value !== null ? JSON.stringify(value) : value);
  }
  if (mask === 0) return;
  values.push(id);
  writeMarksOf(db).touch(id);
  const info = prepared(db, updateSqlFor(mask)).run(...values);
  if (info.changes === 0) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' does not exist`);
}

/** Marks the executions written, then inserts the events (inside a write). */
function appendRows(db: Database, events: readonly ExecutionEvent[]): void {
  const marks = writeMarksOf(db);
  // A step's events are one execution's: one mark for each run of them.
  let touched: string | undefined;
  for (let index = 0; index < events.length; index += 1) {
    const id = (events[index] as ExecutionEvent).execution_id;
    if (id === touched) continue;
    touched = id;
    marks.touch(id);
  }
  insertEvents(db, events);
}

function conflict(event: ExecutionEvent, cause: unknown): HarmoniaError {
  return new HarmoniaError(
    'STORE_CONFLICT',
    `event ${event.seq} of execution '${event.execution_id}' already exists; another writer extended this history`,
    { cause, details: { execution_id: event.execution_id, seq: event.seq } },
  );
}

// The most rows one INSERT carries: a run of one execution's events longer than this goes in
// several statements.
const MAX_RUN_ROWS = 32;
const insertRunSql: string[] = [];
/**
 * One execution's rows: its id bound once, each row's seq and text from a VALUES list, which
 * SQLite reads as a coroutine, row by row in the order written (no sort, no temporary table),
 * so positions follow the list. Binding the 36-character id on every row cost the driver a
 * UTF-8 conversion and a copy each (docs/performance.md, "h-wide").
 */
function insertRunSqlFor(rows: number): string {
  let sql = insertRunSql[rows];
  if (sql === undefined) {
    sql = `INSERT INTO execution_events (execution_id, seq, event) SELECT ?, column1, column2 FROM (VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')})`;
    insertRunSql[rows] = sql;
  }
  return sql;
}

/**
 * Inserts events, numbered by SQLite after the highest position: each run of one execution's events
 * in one statement (up to MAX_RUN_ROWS rows), a lone event in a single-row one. Several
 * rows per statement save SQLite's and the driver's per-statement work (7,000–10,000
 * instructions a row in the engine's process, docs/performance.md "The commit path"); but a statement that can fail part-way
 * keeps a statement journal of every page it changes (spilled to a file past 64 KiB), so
 * one statement never spans executions: one execution's rows are adjacent in the table and
 * its index, a few pages, where 100 executions' interleaved rows cost 2.5 to 3 times as much
 * per row as single-row INSERTs.
 */
function insertEvents(db: Database, events: readonly ExecutionEvent[]): void {
  let start = 0;
  while (start < events.length) {
    const executionId = (events[start] as ExecutionEvent).execution_id;
    let end = start + 1;
    while (end < events.length && end - start < MAX_RUN_ROWS && (events[end] as ExecutionEvent).execution_id === executionId) end += 1;
    if (end - start === 1) insertOne(db, events[start] as ExecutionEvent);
    else insertRun(db, events, start, end);
    start = end;
  }
}

function insertOne(db: Database, event: ExecutionEvent): void {
  try {
    prepared(db, INSERT_EVENT).run(event.execution_id, event.seq, eventText(event));
  } catch (error) {
    throw isConstraintError(error) ? conflict(event, error) : error;
  }
}

/** Events [start, end) of one execution, in one statement. */
function insertRun(db: Database, events: readonly ExecutionEvent[], start: number, end: number): void {
  const values: unknown[] = [(events[start] as ExecutionEvent).execution_id];
  for (let index = start; index < end; index += 1) {
    const event = events[index] as ExecutionEvent;
    values.push(event.seq, eventText(event));
  }
  try {
    prepared(db, insertRunSqlFor(end - start)).run(...values);
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    // The statement changed nothing (SQLite undid it whole): row by row, to name the event.
    for (let index = start; index < end; index += 1) insertOne(db, events[index] as ExecutionEvent);
    throw conflict(events[start] as ExecutionEvent, error);
  }
}
