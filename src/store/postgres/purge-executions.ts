/**
 * Retention on PostgreSQL: one batch of ExecutionRepo.purgeFinished in one transaction and
 * four statements, whatever its size: the candidates, the trees of all its roots (locked FOR
 * UPDATE, their statuses read again under the lock), their events, their rows. An execution
 * another node reruns or extends meanwhile is either kept (its change committed first) or
 * gone before the change, whose check locks the row, can commit.
 */
import type { FinishedStatus } from '../../core/model.js';
import type { PurgeBatch, PurgeQuery, PurgedTree } from '../store.js';
import type { Query } from './executor.js';

interface CandidateRow {
  id: string;
  workflow_ref: string;
  status: string;
  finished_at: string;
  is_root: boolean;
}

interface TreeRow {
  root: string;
  id: string;
  status: string;
  last_seq: string;
}

// From the partial index (migration 12); the cursor is (finished_at, id), both collation "C".
const CANDIDATES = `SELECT e.id, e.workflow_ref, e.status, e.finished_at,
    (e.parent_execution_id IS NULL OR NOT EXISTS (SELECT 1 FROM executions p WHERE p.id = e.parent_execution_id)) AS is_root
  FROM executions e
  WHERE e.finished_at IS NOT NULL AND e.finished_at < $1 AND (e.finished_at, e.id) > ($2, $3)
  ORDER BY e.finished_at, e.id LIMIT $4`;
const TREES = `WITH RECURSIVE tree(root, id) AS (
  SELECT r COLLATE "C", r COLLATE "C" FROM unnest($1::text[]) AS r
  UNION ALL SELECT t.root, e.id FROM executions e JOIN tree t ON e.parent_execution_id = t.id)
  SELECT t.root, e.id, e.status, e.last_seq FROM tree t JOIN executions e ON e.id = t.id`;
// A dry run reads the trees as they are; a purge locks them first.
const TREES_LOCKED = `${TREES} FOR UPDATE OF e`;
// Events have no foreign key (migration 9 dropped it: appends check their execution under a
// row lock instead, which the FOR UPDATE above conflicts with); checkpoints, state, task logs
// and leases go by their keys' cascade.
const DELETE_EVENTS = 'DELETE FROM execution_events WHERE execution_id = ANY($1::text[])';
const DELETE_ROWS = 'DELETE FROM executions WHERE id = ANY($1::text[])';

const FINISHED = new Set(['completed', 'failed', 'canceled']);

/** Runs one purge batch; `query` runs inside one transaction (the caller's). */
export async function purgeFinishedWith(query: Query, purge: PurgeQuery): Promise<PurgeBatch> {
  const after = purge.after ?? { finished_at: '', id: '' };
  const rows = await query<CandidateRow>(CANDIDATES, [purge.finished_before, after.finished_at, after.id, purge.limit]);
  const statuses = new Set<string>(purge.statuses);
  const roots = rows.filter((row) => row.is_root && statuses.has(row.status));
  const members = new Map<string, TreeRow[]>();
  if (roots.length > 0) {
    for (const member of await query<TreeRow>(purge.dry_run ? TREES : TREES_LOCKED, [roots.map((root) => root.id)])) {
      const tree = members.get(member.root);
      if (tree) tree.push(member);
      else members.set(member.root, [member]);
    }
  }
  const trees: PurgedTree[] = [];
  const deleted: string[] = [];
  let kept = 0;
  for (const row of roots) {
    const tree = members.get(row.id) ?? [];
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
    if (!purge.dry_run) deleted.push(...tree.map((member) => member.id));
  }
  if (deleted.length > 0) {
    await query(DELETE_EVENTS, [deleted]);
    await query(DELETE_ROWS, [deleted]);
  }
  const last = rows.at(-1);
  const next = rows.length < purge.limit || last === undefined ? null : { finished_at: last.finished_at, id: last.id };
  return { trees, deleted_ids: deleted, kept_unfinished: kept, next };
}
