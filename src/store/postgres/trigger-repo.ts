import type { FireStatus, TriggerFireRecord, TriggerStateRecord } from '../../core/trigger-model.js';
import type { FirePatch, TriggerRepo } from '../trigger-repo.js';
import type { PgExecutor } from './executor.js';

interface StateRow {
  trigger_id: string;
  paused: boolean;
  note: string | null;
  since: string;
  updated_at: string;
}

type FireRow = TriggerFireRecord & Record<string, unknown>;

const FIRE_COLUMNS = 'trigger_id, scheduled_at, reason, status, execution_id, source_execution_id, node_id, detail, created_at, updated_at';

function toState(row: StateRow): TriggerStateRecord {
  return { trigger_id: row.trigger_id, paused: row.paused, note: row.note, since: row.since, updated_at: row.updated_at };
}

/** Trigger fires and state in the `trigger_fires` and `trigger_states` tables. */
export class PostgresTriggerRepo implements TriggerRepo {
  constructor(
    private readonly exec: PgExecutor,
    /** The cross-node lock of a key (withLeaderLock on the held pool); absent in a transaction's session. */
    private readonly lock?: <T>(key: string, fn: () => Promise<T>) => Promise<T>,
  ) {
    if (lock) this.exclusive = (triggerId, fn) => lock(`trigger-fires:${triggerId}`, fn);
  }

  readonly exclusive?: <T>(triggerId: string, fn: () => Promise<T>) => Promise<T>;

  insertFire(fire: TriggerFireRecord): Promise<boolean> {
    return this.exec.write(async (query) => {
      // ON CONFLICT DO NOTHING: the loser of a race between nodes sees no row, not an error.
      const rows = await query(
        `INSERT INTO trigger_fires (${FIRE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT DO NOTHING RETURNING trigger_id`,
        [fire.trigger_id, fire.scheduled_at, fire.reason, fire.status, fire.execution_id, fire.source_execution_id, fire.node_id, fire.detail, fire.created_at, fire.updated_at],
      );
      return rows.length > 0;
    });
  }

  updateFire(triggerId: string, scheduledAt: string, patch: FirePatch, expect: { status: FireStatus; node_id?: string; updated_at?: string }): Promise<boolean> {
    return this.exec.write(async (query) => {
      const rows = await query(
        `UPDATE trigger_fires SET
           status = $3,
           reason = COALESCE($13::text, reason),
           execution_id = CASE WHEN $4::boolean THEN $5 ELSE execution_id END,
           node_id = COALESCE($6, node_id),
           detail = CASE WHEN $7::boolean THEN $8 ELSE detail END,
           updated_at = $9
         WHERE trigger_id = $1 AND scheduled_at = $2 AND status = $10
           AND ($11::text IS NULL OR node_id = $11) AND ($12::text IS NULL OR updated_at = $12)
         RETURNING trigger_id`,
        [
          triggerId,
          scheduledAt,
          patch.status,
          patch.execution_id !== undefined,
          patch.execution_id ?? null,
          patch.node_id ?? null,
          patch.detail !== undefined,
          patch.detail ?? null,
          patch.updated_at,
          expect.status,
          expect.node_id ?? null,
          expect.updated_at ?? null,
          patch.reason ?? null,
        ],
      );
      return rows.length > 0;
    });
  }

  getFire(triggerId: string, scheduledAt: string): Promise<TriggerFireRecord | null> {
    return this.exec.read(async (query) => (await query<FireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = $1 AND scheduled_at = $2`, [triggerId, scheduledAt]))[0] ?? null);
  }

  lastScheduledAt(triggerId: string): Promise<string | null> {
    return this.exec.read(async (query) => {
      const rows = await query<{ at: string | null }>("SELECT MAX(scheduled_at) AS at FROM trigger_fires WHERE trigger_id = $1 AND reason IN ('schedule', 'catchup')", [triggerId]);
      return rows[0]?.at ?? null;
    });
  }

  listFires(triggerId: string, limit: number, offset = 0): Promise<TriggerFireRecord[]> {
    return this.exec.read((query) =>
      query<FireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = $1 ORDER BY scheduled_at DESC LIMIT $2 OFFSET $3`, [triggerId, limit, offset]),
    );
  }

  countFires(triggerId: string): Promise<number> {
    return this.exec.read(async (query) => Number((await query<{ n: string }>('SELECT COUNT(*) AS n FROM trigger_fires WHERE trigger_id = $1', [triggerId]))[0]?.n ?? 0));
  }

  unfinishedExecutions(triggerId: string): Promise<string[]> {
    // From the unfinished executions (the partial index executions_unfinished) to their fire,
    // not from the trigger's fires, which grow with every fire ever recorded.
    return this.exec.read(async (query) =>
      (
        await query<{ id: string }>(
          `SELECT f.execution_id AS id FROM executions e
           JOIN trigger_fires f ON f.execution_id = e.id
           WHERE e.status IN ('pending', 'running', 'paused') AND f.trigger_id = $1 AND f.status = 'started'
           ORDER BY f.scheduled_at`,
          [triggerId],
        )
      ).map((row) => row.id),
    );
  }

  listFiresByStatus(status: FireStatus, updatedBefore?: string): Promise<TriggerFireRecord[]> {
    return this.exec.read((query) =>
      query<FireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE status = $1 AND ($2::text IS NULL OR updated_at < $2) ORDER BY scheduled_at`, [status, updatedBefore ?? null]),
    );
  }

  fireOfSource(triggerId: string, sourceExecutionId: string): Promise<TriggerFireRecord | null> {
    return this.exec.read(async (query) => (await query<FireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = $1 AND source_execution_id = $2`, [triggerId, sourceExecutionId]))[0] ?? null);
  }

  fireOfExecution(executionId: string): Promise<TriggerFireRecord | null> {
    return this.exec.read(async (query) => (await query<FireRow>(`SELECT ${FIRE_COLUMNS} FROM trigger_fires WHERE execution_id = $1 LIMIT 1`, [executionId]))[0] ?? null);
  }

  ensureState(triggerId: string, since: string): Promise<TriggerStateRecord> {
    return this.exec.atomic(async (query) => {
      await query('INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES ($1, false, NULL, $2, $2) ON CONFLICT (trigger_id) DO NOTHING', [triggerId, since]);
      const rows = await query<StateRow>('SELECT * FROM trigger_states WHERE trigger_id = $1', [triggerId]);
      return toState(rows[0] as StateRow);
    });
  }

  advanceSince(triggerId: string, at: string): Promise<void> {
    return this.exec.write(async (query) => {
      await query(
        `INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES ($1, false, NULL, $2, $2)
         ON CONFLICT (trigger_id) DO UPDATE SET since = $2, updated_at = $2 WHERE trigger_states.since < $2`,
        [triggerId, at],
      );
    });
  }

  getStates(triggerIds: readonly string[]): Promise<Map<string, TriggerStateRecord>> {
    return this.exec.read(async (query) => {
      const found = await query<StateRow>('SELECT * FROM trigger_states WHERE trigger_id = ANY($1::text[])', [[...triggerIds]]);
      return new Map(found.map((row) => [row.trigger_id, toState(row)]));
    });
  }

  lastFires(triggerIds: readonly string[]): Promise<Map<string, TriggerFireRecord>> {
    return this.exec.read(async (query) => {
      const found = await query<FireRow>(
        `SELECT DISTINCT ON (trigger_id) ${FIRE_COLUMNS} FROM trigger_fires WHERE trigger_id = ANY($1::text[]) ORDER BY trigger_id, scheduled_at DESC`,
        [[...triggerIds]],
      );
      return new Map(found.map((fire) => [fire.trigger_id, fire]));
    });
  }

  getState(triggerId: string): Promise<TriggerStateRecord | null> {
    return this.exec.read(async (query) => {
      const row = (await query<StateRow>('SELECT * FROM trigger_states WHERE trigger_id = $1', [triggerId]))[0];
      return row === undefined ? null : toState(row);
    });
  }

  setPaused(triggerId: string, paused: boolean, note: string | null, at: string): Promise<TriggerStateRecord> {
    return this.exec.atomic(async (query) => {
      const rows = await query<StateRow>(
        `INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (trigger_id) DO UPDATE SET paused = $2, note = $3, updated_at = $4,
           since = CASE WHEN NOT $2 AND trigger_states.paused THEN $4 ELSE trigger_states.since END
         RETURNING *`,
        [triggerId, paused, note, at],
      );
      return toState(rows[0] as StateRow);
    });
  }
}
