/**
 * The ORDER BY of an execution listing, for both backends: the sort key's column (from a
 * fixed list, never the caller's text), unfinished executions last when sorting by
 * finished_at, and creation order in the same direction as the tie-breaker, so a page
 * boundary never moves between two reads of an unchanged table.
 */
import type { ExecutionSort } from '../core/model.js';

/**
 * `tieBreaker` is the backend's insertion order column (SQLite's rowid, PostgreSQL's pos);
 * `collate` makes text compare by bytes on a backend whose default collation does not.
 */
export function executionOrderBy(sort: ExecutionSort | undefined, tieBreaker: string, collate = ''): string {
  const key = sort ?? '-created_at';
  const descending = key.startsWith('-');
  const column = descending ? key.slice(1) : key;
  const direction = descending ? 'DESC' : 'ASC';
  const keys: string[] = [];
  if (column === 'finished_at') keys.push('(finished_at IS NULL) ASC');
  keys.push(`${column}${collate} ${direction}`);
  if (column !== 'created_at') keys.push(`created_at${collate} ${direction}`);
  keys.push(`${tieBreaker} ${direction}`);
  return `ORDER BY ${keys.join(', ')}`;
}
