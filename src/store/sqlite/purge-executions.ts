/**
 * Retention on SQLite: one batch of ExecutionRepo.purgeFinished as one synchronous
 * transaction (its statements run back to back, no turn of the event loop between them),
 * so nothing can start, rerun or extend a chosen execution between its choice and its delete.
 */
import type { Database } from 'better-sqlite3';
import type { FinishedStatus } from '../../core/model.js';
import type { PurgeBatch, PurgeQuery, PurgedTree } from '../store.js';
import { prepared } from './statements.js';
import { writeMarksOf } from './write-marks.js';

interface CandidateRow {
  id: string;
  workflow_ref: string;
  status: string;
  finished_at: string;
  last_seq: number;
  is_root: number;
}

interface TreeRow {
  id: string;
  status: string;
  last_seq: number;
}

// From the partial index (migration 11); the cursor is (finished_at, id).
const CANDIDATES = `SELECT e.id, e.workflow_ref, e.status, e.finished_at, e.last_seq,
    (e.parent_execution_id IS NULL OR NOT EXISTS (SELECT 1 FROM executions p WHERE p.id = e.parent_execution_id)) AS is_root
  FROM executions e
  WHERE e.finished_at IS NOT NULL AND e.finished_at < ? AND (e.finished_at > ? OR (e.finished_at = ? AND e.id > ?))
  ORDER BY e.finished_at, e.id LIMIT ?`;
const TREE = `WITH RECURSIVE tree(id) AS (
  SELECT id FROM executions WHERE parent_execution_id = ?
  UNION ALL SELECT e.id FROM executions e JOIN tree t ON e.parent_execution_id = t.id)
  SELECT e.id, e.status, e.last_seq FROM tree JOIN executions e ON e.id = tree.id`;
// Events, checkpoints, state, task logs go by their foreign keys' cascade; migration 10's
// trigger keeps the highest event position taken.
const DELETE_ONE = 'DELETE FROM executions WHERE id = ?';

const FINISHED = new Set(['completed', 'failed', 'canceled']);

/** Runs one purge batch on `db`; the caller runs it inside a write transaction. */
export function purgeFinishedOn(db: Database, query: PurgeQuery): PurgeBatch {
  const after = query.after ?? { finished_at: '', id: '' };
  const rows = prepared<CandidateRow>(db, CANDIDATES).all(query.finished_before, after.finished_at, after.finished_at, after.id, query.limit);
  const statuses = new Set<string>(query.statuses);
  const trees: PurgedTree[] = [];
  const deleted: string[] = [];
  let kept = 0;
  for (const row of rows) {
    if (row.is_root === 0 || !statuses.has(row.status)) continue;
    const tree = prepared<TreeRow>(db, TREE).all(row.id);
    if (tree.some((child) => !FINISHED.has(child.status))) {
      kept += 1;
      continue;
    }
    trees.push({
      id: row.id,
      workflow_ref: row.workflow_ref,
      status: row.status as FinishedStatus,
      finished_at: row.finished_at,
      descendants: tree.length,
      events: tree.reduce((sum, child) => sum + child.last_seq, row.last_seq),
    });
    if (query.dry_run) continue;
    const marks = writeMarksOf(db);
    for (const id of [row.id, ...tree.map((child) => child.id)]) {
      marks.touch(id);
      prepared(db, DELETE_ONE).run(id);
      deleted.push(id);
    }
  }
  const last = rows.at(-1);
  const next = rows.length < query.limit || last === undefined ? null : { finished_at: last.finished_at, id: last.id };
  return { trees, deleted_ids: deleted, kept_unfinished: kept, next };
}
