import { EXECUTION_COLUMNS, executionRowValues } from '../execution-row.js';
import { HarmoniaError } from '../../core/errors.js';
import type { CheckpointRecord, ExecutionEvent, ExecutionRecord } from '../../core/model.js';
import type { CommitSteps, ExecutionQuery, ExecutionRepo, PurgeBatch, PurgeQuery, StoredTaskLogLine, TaskLogLine, TaskLogQuery } from '../store.js';
import { purgeFinishedWith } from './purge-executions.js';
import type { PgExecutor } from './executor.js';
import { eventsJson } from './events-json.js';
import { appendConflict, missingExecution, pgCode } from './pg-errors.js';
import { commitSteps } from './commit-steps.js';
import { arrayLiteral } from './array-literal.js';
import { jsonOrNull, patchColumns, type ExecutionPatch } from './patch-columns.js';
import { likePattern, likePrefix, likeSuffix } from '../definition-query.js';
import { toLogLine, type LogRow } from '../rows.js';
import { executionOrderBy } from '../execution-order.js';
import { createReadBatch, type ReadBatch } from './read-batch.js';

// JSON columns arrive parsed; BIGINT columns arrive as strings.
interface ExecutionRow extends Omit<ExecutionRecord, 'last_seq'> {
  last_seq: string;
}

interface CheckpointRow {
  id: string;
  execution_id: string;
  seq: string;
  snapshot: unknown;
  created_at: string;
}


const COLUMNS = EXECUTION_COLUMNS;
const UNFINISHED = `SELECT ${COLUMNS} FROM executions WHERE status IN ('pending', 'running', 'paused') ORDER BY created_at, pos`;
const DESCENDANTS = `WITH RECURSIVE tree(id) AS (
  SELECT id FROM executions WHERE parent_execution_id = $1
  UNION ALL SELECT e.id FROM executions e JOIN tree t ON e.parent_execution_id = t.id)
  SELECT COUNT(*) AS n FROM tree`;
// created_at is ISO text in one format (collation "C"), so text order is time order.
// ILIKE in the "C" collation folds ASCII only, as SQLite's LIKE does.
const FILTER = `FROM executions WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR workflow_ref = $2)
  AND ($3::text IS NULL OR created_at >= $3) AND ($4::text IS NULL OR created_at < $4)
  AND ($5::text IS NULL OR id ILIKE $5 ESCAPE '\\' OR id ILIKE $9 ESCAPE '\\' OR workflow_ref ILIKE $6 ESCAPE '\\')
  AND ($7::text IS NULL OR finished_at >= $7) AND ($8::text IS NULL OR finished_at < $8)`;
const PATCHABLE = ['status', 'output', 'error', 'updated_at', 'finished_at', 'last_seq'] as const;
// Many projections in one statement. status, updated_at and last_seq are never set to
// null, so null means "leave it"; the nullable columns carry a flag saying whether to set them.
const UPDATE_MANY = `
  UPDATE executions e SET
    status = COALESCE(u.status, e.status),
    output = CASE WHEN u.set_output THEN u.output::json ELSE e.output END,
    error = CASE WHEN u.set_error THEN u.error::json ELSE e.error END,
    updated_at = COALESCE(u.updated_at, e.updated_at),
    finished_at = CASE WHEN u.set_finished THEN u.finished_at ELSE e.finished_at END,
    last_seq = COALESCE(u.last_seq, e.last_seq)
  FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::bool[], $6::text[], $7::text[], $8::bool[], $9::text[], $10::bigint[])
    AS u(id, status, set_output, output, set_error, error, updated_at, set_finished, finished_at, last_seq)
  WHERE e.id = u.id
  RETURNING e.id`;

// One statement for the whole batch, whatever its size: the events as one JSON array zipped
// with their keys (see commit-steps.ts for why).
// Each execution is checked once, locked FOR KEY SHARE as a foreign key would lock it (see
// migration 9); a missing one writes nothing and is named. The advisory lock (held to
// commit) orders appends of every node, so positions are committed in increasing order and
// the all-events cursor never skips a late commit.
const APPEND_EVENTS = `
  WITH present AS (SELECT id FROM executions WHERE id = ANY($2::text[]) ORDER BY id FOR KEY SHARE),
  missing AS (SELECT m.id FROM unnest($2::text[]) AS m(id) WHERE m.id NOT IN (SELECT id FROM present)),
  appending AS (
    SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events'))
    WHERE NOT EXISTS (SELECT 1 FROM missing)),
  inserted AS (
    INSERT INTO execution_events (execution_id, seq, event)
    SELECT e.execution_id, e.seq, e.event
    FROM appending, ROWS FROM (unnest($3::text[]), unnest($4::bigint[]), json_array_elements($1::json)) WITH ORDINALITY AS e(execution_id, seq, event, n)
    ORDER BY e.n)
  SELECT (SELECT min(id) FROM missing) AS missing`;

function toRecord(row: ExecutionRow): ExecutionRecord {
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    workflow_ref: row.workflow_ref,
    workflow_version: row.workflow_version,
    status: row.status,
    input: row.input,
    output: row.output,
    error: row.error,
    parent_execution_id: row.parent_execution_id,
    parent_task_id: row.parent_task_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    last_seq: Number(row.last_seq),
  };
}

function toCheckpoint(row: CheckpointRow): CheckpointRecord {
  return { id: row.id, execution_id: row.execution_id, seq: Number(row.seq), snapshot: row.snapshot, created_at: row.created_at };
}



export interface PostgresExecutionRepoOptions {
  /**
   * Whether reads of a row, a whole history or a custom state asked for in one turn go as one
   * statement (see read-batch.ts). Only outside a transaction: a transaction's statements run
   * one at a time on its connection, in the order asked.
   */
  batch_reads?: boolean;
}

interface Batches {
  row: ReadBatch<ExecutionRecord | null>;
  history: ReadBatch<ExecutionEvent[]>;
  state: ReadBatch<Record<string, unknown>>;
}

/** Executions, their events, checkpoints and custom state in PostgreSQL. */
export class PostgresExecutionRepo implements ExecutionRepo {
  private readonly batches: Batches | null;

  constructor(
    private readonly exec: PgExecutor,
    options: PostgresExecutionRepoOptions = {},
  ) {
    this.batches = options.batch_reads ? this.createBatches() : null;
  }

  private createBatches(): Batches {
    const group = <R extends { execution_id: string }, V>(rows: R[], value: (row: R) => V): Map<string, V[]> => {
      const by = new Map<string, V[]>();
      for (const row of rows) {
        const list = by.get(row.execution_id);
        if (list) list.push(value(row));
        else by.set(row.execution_id, [value(row)]);
      }
      return by;
    };
    return {
      row: createReadBatch({
        one: (id) => this.readExecution(id),
        many: (ids) =>
          this.exec.read(async (query) => {
            const rows = await query<ExecutionRow>(`SELECT ${COLUMNS} FROM executions WHERE id = ANY($1::text[])`, [arrayLiteral(ids)]);
            return new Map(rows.map((row) => [row.id, toRecord(row)]));
          }),
        absent: () => null,
      }),
      history: createReadBatch({
        one: (id) => this.readHistory(id, 0, -1),
        many: (ids) =>
          this.exec.read(async (query) =>
            group(
              await query<{ execution_id: string; event: ExecutionEvent }>(
                'SELECT execution_id, event FROM execution_events WHERE execution_id = ANY($1::text[]) ORDER BY execution_id, seq',
                [arrayLiteral(ids)],
              ),
              (row) => row.event,
            ),
          ),
        absent: () => [],
      }),
      state: createReadBatch({
        one: (id) => this.readState(id),
        many: (ids) =>
          this.exec.read(async (query) => {
            const rows = await query<{ execution_id: string; state: Record<string, unknown> }>(
              'SELECT execution_id, state FROM execution_state WHERE execution_id = ANY($1::text[])',
              [arrayLiteral(ids)],
            );
            return new Map(rows.map((row) => [row.execution_id, row.state]));
          }),
        absent: () => ({}),
      }),
    };
  }

  createExecution(record: ExecutionRecord): Promise<void> {
    return this.exec.write(async (query) => {
      try {
        await query(
          `INSERT INTO executions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          executionRowValues(record),
        );
      } catch (error) {
        if (pgCode(error) !== '23505') throw error;
        throw new HarmoniaError('STORE_CONFLICT', `execution '${record.id}' already exists`, { cause: error });
      }
    });
  }

  getExecution(id: string): Promise<ExecutionRecord | null> {
    return this.batches ? this.batches.row(id) : this.readExecution(id);
  }

  private readExecution(id: string): Promise<ExecutionRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<ExecutionRow>(`SELECT ${COLUMNS} FROM executions WHERE id = $1`, [id]);
      return row ? toRecord(row) : null;
    });
  }

  listExecutions(query: ExecutionQuery): Promise<{ items: ExecutionRecord[]; total: number }> {
    const params = [
      query.status ?? null,
      query.workflow_ref ?? null,
      query.created_since ?? null,
      query.created_until ?? null,
      query.text ? likePrefix(query.text) : null,
      query.text ? likePattern(query.text) : null,
      query.finished_since ?? null,
      query.finished_until ?? null,
      query.text ? likeSuffix(query.text) : null,
    ];
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return this.exec.read(async (run) => {
      const rows = await run<ExecutionRow & { total: string }>(
        `SELECT ${COLUMNS}, COUNT(*) OVER () AS total ${FILTER} ${executionOrderBy(query.sort, 'pos', ' COLLATE "C"')} LIMIT $10 OFFSET $11`,
        [...params, limit < 0 ? null : limit, offset],
      );
      const first = rows[0];
      if (first) return { items: rows.map(toRecord), total: Number(first.total) };
      const [counted] = await run<{ n: string }>(`SELECT COUNT(*) AS n ${FILTER}`, params);
      return { items: [], total: Number(counted?.n ?? 0) };
    });
  }

  listUnfinished(): Promise<ExecutionRecord[]> {
    return this.exec.read(async (query) => (await query<ExecutionRow>(UNFINISHED)).map(toRecord));
  }

  countDescendants(rootId: string): Promise<number> {
    return this.exec.read(async (query) => {
      const [row] = await query<{ n: string }>(DESCENDANTS, [rootId]);
      return Number(row?.n ?? 0);
    });
  }

  updateExecution(id: string, patch: ExecutionPatch): Promise<void> {
    const keys = PATCHABLE.filter((key) => patch[key] !== undefined);
    if (keys.length === 0) return Promise.resolve();
    const values = keys.map((key) => (key === 'output' || key === 'error' ? jsonOrNull(patch[key]) : patch[key]));
    const sets = keys.map((key, index) => `${key} = $${index + 2}`).join(', ');
    return this.exec.write(async (query) => {
      const changed = await query(`UPDATE executions SET ${sets} WHERE id = $1 RETURNING id`, [id, ...values]);
      if (changed.length === 0) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' does not exist`);
    });
  }

  updateExecutions(updates: ReadonlyArray<{ id: string; patch: ExecutionPatch }>): Promise<void> {
    const wanted = updates.filter(({ patch }) => PATCHABLE.some((key) => patch[key] !== undefined));
    if (wanted.length === 0) return Promise.resolve();
    const params = patchColumns(wanted);
    return this.exec.write(async (query) => {
      const changed = await query<{ id: string }>(UPDATE_MANY, params);
      if (changed.length === wanted.length) return;
      const found = new Set(changed.map((row) => row.id));
      const missing = wanted.find(({ id }) => !found.has(id))?.id ?? '';
      throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${missing}' does not exist`);
    });
  }

  commitSteps(steps: CommitSteps): Promise<void> {
    return commitSteps(this.exec, steps);
  }

  appendEvents(events: readonly ExecutionEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const ids = [...new Set(events.map((event) => event.execution_id))];
    return this.exec.write(async (query) => {
      let rows: Array<{ missing: string | null }>;
      try {
        rows = await query<{ missing: string | null }>(APPEND_EVENTS, [
          eventsJson(events),
          arrayLiteral(ids),
          arrayLiteral(events.map((event) => event.execution_id)),
          arrayLiteral(events.map((event) => event.seq)),
        ]);
      } catch (error) {
        const code = pgCode(error);
        if (code !== '23505' && code !== '23503') throw error;
        throw appendConflict(error, events);
      }
      const missing = rows[0]?.missing;
      if (missing) throw missingExecution(missing);
    });
  }

  readEvents(executionId: string, afterSeq = 0, limit = -1): Promise<ExecutionEvent[]> {
    if (this.batches && afterSeq === 0 && limit < 0) return this.batches.history(executionId);
    return this.readHistory(executionId, afterSeq, limit);
  }

  private readHistory(executionId: string, afterSeq: number, limit: number): Promise<ExecutionEvent[]> {
    return this.exec.read(async (query) =>
      (
        await query<{ event: ExecutionEvent }>(
          'SELECT event FROM execution_events WHERE execution_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
          [executionId, afterSeq, limit < 0 ? null : limit],
        )
      ).map((row) => row.event),
    );
  }

  readEventsAfterPosition(afterPosition: number, limit: number): Promise<ExecutionEvent[]> {
    return this.exec.read(async (query) =>
      (
        await query<{ event: ExecutionEvent; pos: string }>('SELECT event, pos FROM execution_events WHERE pos > $1 ORDER BY pos LIMIT $2', [
          afterPosition,
          limit,
        ])
      ).map((row) => ({ ...row.event, position: Number(row.pos) })),
    );
  }

  async lastEventPosition(): Promise<number> {
    const [row] = await this.exec.read((query) => query<{ pos: string | null }>('SELECT MAX(pos) AS pos FROM execution_events'));
    return Number(row?.pos ?? 0);
  }

  /**
   * The identity's sequence, which never gives a number twice: its last value, drawn
   * perhaps by an append still committing (a bound for cursors, never a place to start
   * reading "from now", which is lastEventPosition's committed MAX).
   */
  async highestEventPosition(): Promise<number> {
    const [row] = await this.exec.read((query) =>
      query<{ pos: string | null }>("SELECT pg_sequence_last_value(pg_get_serial_sequence('execution_events', 'pos')::regclass) AS pos"),
    );
    return Number(row?.pos ?? 0);
  }

  saveCheckpoint(record: CheckpointRecord): Promise<void> {
    return this.exec.write(async (query) => {
      await query('INSERT INTO checkpoints (id, execution_id, seq, snapshot, created_at) VALUES ($1, $2, $3, $4, $5)', [
        record.id,
        record.execution_id,
        record.seq,
        JSON.stringify(record.snapshot),
        record.created_at,
      ]);
    });
  }

  getCheckpoint(id: string): Promise<CheckpointRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<CheckpointRow>('SELECT * FROM checkpoints WHERE id = $1', [id]);
      return row ? toCheckpoint(row) : null;
    });
  }

  listCheckpoints(executionId: string): Promise<CheckpointRecord[]> {
    return this.exec.read(async (query) =>
      (await query<CheckpointRow>('SELECT * FROM checkpoints WHERE execution_id = $1 ORDER BY seq, created_at', [executionId])).map(
        toCheckpoint,
      ),
    );
  }

  saveState(executionId: string, state: Record<string, unknown>): Promise<void> {
    return this.exec.write(async (query) => {
      await query(
        `INSERT INTO execution_state (execution_id, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (execution_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [executionId, JSON.stringify(state), new Date().toISOString()],
      );
    });
  }

  loadState(executionId: string): Promise<Record<string, unknown>> {
    return this.batches ? this.batches.state(executionId) : this.readState(executionId);
  }

  private readState(executionId: string): Promise<Record<string, unknown>> {
    return this.exec.read(async (query) => {
      const [row] = await query<{ state: Record<string, unknown> }>('SELECT state FROM execution_state WHERE execution_id = $1', [
        executionId,
      ]);
      return row ? row.state : {};
    });
  }

  appendLogs(lines: readonly TaskLogLine[]): Promise<StoredTaskLogLine[]> {
    if (lines.length === 0) return Promise.resolve([]);
    return this.exec.write(async (query) => {
      // One statement for the batch: arrays unnested into rows, seqs handed back in order.
      const rows = await query<{ seq: string }>(
        `INSERT INTO task_logs (execution_id, task_id, item_index, attempt, stream, at, line)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[])
         RETURNING seq`,
        [
          arrayLiteral(lines.map((l) => l.execution_id)),
          arrayLiteral(lines.map((l) => l.task_id)),
          arrayLiteral(lines.map((l) => l.item_index ?? null)),
          arrayLiteral(lines.map((l) => l.attempt)),
          arrayLiteral(lines.map((l) => l.stream)),
          arrayLiteral(lines.map((l) => l.at)),
          // The lines themselves go to the driver: their text often holds quotes or backslashes.
          lines.map((l) => l.line),
        ],
      );
      const seqs = rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
      return lines.map((line, index) => ({ ...line, seq: seqs[index] ?? 0 }));
    });
  }

  readLogs(executionId: string, query: TaskLogQuery): Promise<StoredTaskLogLine[]> {
    return this.exec.read(async (run) =>
      (
        await run<LogRow>(
          `SELECT * FROM task_logs WHERE execution_id = $1 AND seq > $2 AND seq <= $7
             AND ($3::text IS NULL OR task_id = $3) AND ($4::int IS NULL OR attempt = $4) AND ($5::text IS NULL OR stream = $5)
           ORDER BY seq LIMIT $6`,
          [executionId, query.after ?? 0, query.task_id ?? null, query.attempt ?? null, query.stream ?? null, query.limit, query.through ?? Number.MAX_SAFE_INTEGER],
        )
      ).map(toLogLine),
    );
  }

  async lastLogSeq(executionId: string): Promise<number> {
    const [row] = await this.exec.read((query) => query<{ seq: string | null }>('SELECT MAX(seq) AS seq FROM task_logs WHERE execution_id = $1', [executionId]));
    return Number(row?.seq ?? 0);
  }

  purgeFinished(query: PurgeQuery): Promise<PurgeBatch> {
    return query.dry_run ? this.exec.read((run) => purgeFinishedWith(run, query)) : this.exec.atomic((run) => purgeFinishedWith(run, query));
  }
}
