/**
 * Retention on PostgreSQL: one batch of ExecutionRepo.purgeFinished in one transaction. The
 * chosen trees are locked (FOR UPDATE) and their statuses read again under the lock, so an
 * execution another node reruns or extends meanwhile is either kept (its rerun committed
 * first) or gone before the rerun's claim, whose lease row references it, can commit.
 */
import type { FinishedStatus } from '../../core/model.js';
import type { PurgeBatch, PurgeQuery, PurgedTree } from '../store.js';
import type { Query } from './executor.js';

interface CandidateRow {
  id: string;
  workflow_ref: string;
  status: string;
  finished_at: string;
  last_seq: string;
  is_root: boolean;
}

interface TreeRow {
  id: string;
  status: string;
  last_seq: string;
}

// From the partial index (migration 12); the cursor is (finished_at, id), both collation "C".
const CANDIDATES = `SELECT e.id, e.workflow_ref, e.status, e.finished_at, e.last_seq,
    (e.parent_execution_id IS NULL OR NOT EXISTS (SELECT 1 FROM executions p WHERE p.id = e.parent_execution_id)) AS is_root
  FROM executions e
  WHERE e.finished_at IS NOT NULL AND e.finished_at < $1 AND (e.finished_at, e.id) > ($2, $3)
  ORDER BY e.finished_at, e.id LIMIT $4`;
const TREE = `WITH RECURSIVE tree(id) AS (
  SELECT $1::text COLLATE "C"
  UNION ALL SELECT e.id FROM executions e JOIN tree t ON e.parent_execution_id = t.id)
  SELECT e.id, e.status, e.last_seq FROM executions e WHERE e.id IN (SELECT id FROM tree)`;
// A dry run reads the tree as it is; a purge locks it first.
const TREE_LOCKED = `${TREE} FOR UPDATE OF e`;
// Events have no foreign key (migration 9 dropped it: appends check their execution under a
// row lock instead, which the FOR UPDATE above conflicts with); checkpoints, state, task logs
// and leases go by their keys' cascade.
const DELETE_EVENTS = 'DELETE FROM execution_events WHERE execution_id = ANY($1::text[])';
const DELETE_TREE = 'DELETE FROM executions WHERE id = ANY($1::text[])';

const FINISHED = new Set(['completed', 'failed', 'canceled']);

/** Runs one purge batch; `query` runs inside one transaction (the caller's). */
export async function purgeFinishedWith(query: Query, purge: PurgeQuery): Promise<PurgeBatch> {
  const after = purge.after ?? { finished_at: '', id: '' };
  const rows = await query<CandidateRow>(CANDIDATES, [purge.finished_before, after.finished_at, after.id, purge.limit]);
  const statuses = new Set<string>(purge.statuses);
  const trees: PurgedTree[] = [];
  const deleted: string[] = [];
  let kept = 0;
  for (const row of rows) {
    if (!row.is_root || !statuses.has(row.status)) continue;
    const tree = await query<TreeRow>(purge.dry_run ? TREE : TREE_LOCKED, [row.id]);
    const root = tree.find((member) => member.id === row.id);
    // Gone, or rerun since the scan read it.
    if (root === undefined || !statuses.has(root.status)) continue;
    if (tree.some((member) => !FINISHED.has(member.status))) {
      kept += 1;
      continue;
    }
    trees.push({
      id: row.id,
      workflow_ref: row.workflow_ref,
      status: root.status as FinishedStatus,
      finished_at: row.finished_at,
      descendants: tree.length - 1,
      events: tree.reduce((sum, member) => sum + Number(member.last_seq), 0),
    });
    if (purge.dry_run) continue;
    const ids = tree.map((member) => member.id);
    await query(DELETE_EVENTS, [ids]);
    await query(DELETE_TREE, [ids]);
    deleted.push(...ids);
  }
  const last = rows.at(-1);
  const next = rows.length < purge.limit || last === undefined ? null : { finished_at: last.finished_at, id: last.id };
  return { trees, deleted_ids: deleted, kept_unfinished: kept, next };
}
