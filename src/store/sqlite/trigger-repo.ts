import type { FireStatus, TriggerFireRecord, TriggerStateRecord } from '../../core/trigger-model.js';
import type { FirePatch, TriggerRepo } from '../trigger-repo.js';
import type { SqliteExecutor } from './executor.js';
import { prepared } from './statements.js';

interface StateRow {
  trigger_id: string;
  paused: number;
  note: string | null;
  since: string;
  updated_at: string;
}

const INSERT_FIRE = `
  INSERT INTO trigger_fires (trigger_id, scheduled_at, reason, status, execution_id, source_execution_id, node_id, detail, created_at, updated_at)
  VALUES (@trigger_id, @scheduled_at, @reason, @status, @execution_id, @source_execution_id, @node_id, @detail, @created_at, @updated_at)
  ON CONFLICT DO NOTHING`;
const UPDATE_FIRE = `
  UPDATE trigger_fires SET
    status = @status,
    reason = COALESCE(@reason, reason),
    execution_id = CASE WHEN @set_execution THEN @execution_id ELSE execution_id END,
    node_id = COALESCE(@node_id, node_id),
    detail = CASE WHEN @set_detail THEN @detail ELSE detail END,
    updated_at = @updated_at
  WHERE trigger_id = @trigger_id AND scheduled_at = @scheduled_at AND status = @expect_status
    AND (@expect_node IS NULL OR node_id = @expect_node)
    AND (@expect_updated IS NULL OR updated_at = @expect_updated)`;

// Driven from the unfinished executions (few, by the status index) to their fire (by the
// execution index), not from the fires, which grow with every fire ever recorded: CROSS JOIN
// holds SQLite to that order (a plain join chose every started fire of every trigger).
const UNFINISHED_EXECUTIONS = `
  SELECT f.execution_id AS id FROM executions e
  CROSS JOIN trigger_fires f ON f.execution_id = e.id
  WHERE e.status IN ('pending', 'running', 'paused') AND f.trigger_id = ? AND f.status = 'started'
  ORDER BY f.scheduled_at`;

function toState(row: StateRow): TriggerStateRecord {
  return { trigger_id: row.trigger_id, paused: row.paused !== 0, note: row.note, since: row.since, updated_at: row.updated_at };
}

/** Trigger fires and state in the `trigger_fires` and `trigger_states` tables. */
export class SqliteTriggerRepo implements TriggerRepo {
  constructor(private readonly exec: SqliteExecutor) {}

  insertFire(fire: TriggerFireRecord): Promise<boolean> {
    return this.exec.run((db) => prepared(db, INSERT_FIRE).run(fire).changes > 0);
  }

  updateFire(triggerId: string, scheduledAt: string, patch: FirePatch, expect: { status: FireStatus; node_id?: string; updated_at?: string }): Promise<boolean> {
    return this.exec.run(
      (db) =>
        prepared(db, UPDATE_FIRE).run({
          trigger_id: triggerId,
          scheduled_at: scheduledAt,
          status: patch.status,
          reason: patch.reason ?? null,
          set_execution: patch.execution_id !== undefined ? 1 : 0,
          execution_id: patch.execution_id ?? null,
          node_id: patch.node_id ?? null,
          set_detail: patch.detail !== undefined ? 1 : 0,
          detail: patch.detail ?? null,
          updated_at: patch.updated_at,
          expect_status: expect.status,
          expect_node: expect.node_id ?? null,
          expect_updated: expect.updated_at ?? null,
        }).changes > 0,
    );
  }

  getFire(triggerId: string, scheduledAt: string): Promise<TriggerFireRecord | null> {
    return this.exec.run(
      (db) => prepared<TriggerFireRecord>(db, 'SELECT * FROM trigger_fires WHERE trigger_id = ? AND scheduled_at = ?').get(triggerId, scheduledAt) ?? null,
    );
  }

  lastScheduledAt(triggerId: string): Promise<string | null> {
    return this.exec.run((db) => {
      const row = prepared<{ at: string | null }>(db, "SELECT MAX(scheduled_at) AS at FROM trigger_fires WHERE trigger_id = ? AND reason IN ('schedule', 'catchup')").get(triggerId);
      return row?.at ?? null;
    });
  }

  listFires(triggerId: string, limit: number, offset = 0): Promise<TriggerFireRecord[]> {
    return this.exec.run((db) =>
      prepared<TriggerFireRecord>(db, 'SELECT * FROM trigger_fires WHERE trigger_id = ? ORDER BY scheduled_at DESC LIMIT ? OFFSET ?').all(triggerId, limit, offset),
    );
  }

  countFires(triggerId: string): Promise<number> {
    return this.exec.run((db) => prepared<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM trigger_fires WHERE trigger_id = ?').get(triggerId)?.n ?? 0);
  }

  unfinishedExecutions(triggerId: string): Promise<string[]> {
    return this.exec.run((db) =>
      prepared<{ id: string }>(db, UNFINISHED_EXECUTIONS)
        .all(triggerId)
        .map((row) => row.id),
    );
  }

  listFiresByStatus(status: FireStatus, updatedBefore?: string): Promise<TriggerFireRecord[]> {
    return this.exec.run((db) =>
      prepared<TriggerFireRecord>(db, 'SELECT * FROM trigger_fires WHERE status = ? AND (? IS NULL OR updated_at < ?) ORDER BY scheduled_at').all(status, updatedBefore ?? null, updatedBefore ?? null),
    );
  }

  fireOfSource(triggerId: string, sourceExecutionId: string): Promise<TriggerFireRecord | null> {
    return this.exec.run(
      (db) => prepared<TriggerFireRecord>(db, 'SELECT * FROM trigger_fires WHERE trigger_id = ? AND source_execution_id = ?').get(triggerId, sourceExecutionId) ?? null,
    );
  }

  fireOfExecution(executionId: string): Promise<TriggerFireRecord | null> {
    return this.exec.run((db) => prepared<TriggerFireRecord>(db, 'SELECT * FROM trigger_fires WHERE execution_id = ? LIMIT 1').get(executionId) ?? null);
  }

  ensureState(triggerId: string, since: string): Promise<TriggerStateRecord> {
    return this.exec.run((db) => {
      prepared(db, 'INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES (?, 0, NULL, ?, ?) ON CONFLICT (trigger_id) DO NOTHING').run(triggerId, since, since);
      return toState(prepared<StateRow>(db, 'SELECT * FROM trigger_states WHERE trigger_id = ?').get(triggerId) as StateRow);
    });
  }

  getStates(triggerIds: readonly string[]): Promise<Map<string, TriggerStateRecord>> {
    return this.exec.run((db) => {
      const found = prepared<StateRow>(db, 'SELECT * FROM trigger_states WHERE trigger_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(triggerIds));
      return new Map(found.map((row) => [row.trigger_id, toState(row)]));
    });
  }

  lastFires(triggerIds: readonly string[]): Promise<Map<string, TriggerFireRecord>> {
    return this.exec.run((db) => {
      const found = prepared<TriggerFireRecord>(
        db,
        `SELECT f.* FROM trigger_fires f
         JOIN (SELECT trigger_id, MAX(scheduled_at) AS latest FROM trigger_fires
               WHERE trigger_id IN (SELECT value FROM json_each(?)) GROUP BY trigger_id) x
           ON f.trigger_id = x.trigger_id AND f.scheduled_at = x.latest`,
      ).all(JSON.stringify(triggerIds));
      const fires = new Map<string, TriggerFireRecord>();
      for (const fire of found) if (!fires.has(fire.trigger_id)) fires.set(fire.trigger_id, fire);
      return fires;
    });
  }

  advanceSince(triggerId: string, at: string): Promise<void> {
    return this.exec.run((db) => {
      prepared(
        db,
        `INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES (@id, 0, NULL, @at, @at)
         ON CONFLICT (trigger_id) DO UPDATE SET since = @at, updated_at = @at WHERE trigger_states.since < @at`,
      ).run({ id: triggerId, at });
    });
  }

  getState(triggerId: string): Promise<TriggerStateRecord | null> {
    return this.exec.run((db) => {
      const row = prepared<StateRow>(db, 'SELECT * FROM trigger_states WHERE trigger_id = ?').get(triggerId);
      return row === undefined ? null : toState(row);
    });
  }

  setPaused(triggerId: string, paused: boolean, note: string | null, at: string): Promise<TriggerStateRecord> {
    return this.exec.run((db) => {
      prepared(
        db,
        `INSERT INTO trigger_states (trigger_id, paused, note, since, updated_at) VALUES (@id, @paused, @note, @at, @at)
         ON CONFLICT (trigger_id) DO UPDATE SET paused = @paused, note = @note, updated_at = @at,
           since = CASE WHEN @paused = 0 AND trigger_states.paused = 1 THEN @at ELSE trigger_states.since END`,
      ).run({ id: triggerId, paused: paused ? 1 : 0, note, at });
      return toState(prepared<StateRow>(db, 'SELECT * FROM trigger_states WHERE trigger_id = ?').get(triggerId) as StateRow);
    });
  }
}
