/**
 * Execution ids as a table shows them. A top-level id is a UUID whose leading groups are
 * the time it was made (version 7): executions of one minute share them, and only the last
 * group (48 random bits) tells them apart, so that group is the short id. A sub-workflow's
 * id is its parent's with `:<task>#<attempt>` after it; its short id keeps that path.
 * Every short id is a suffix of the full one, which the commands resolve (execution-id-arg.ts).
 */
const LEADING_GROUPS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-(?=[0-9a-f]{12})/i;

/** The id without a leading UUID's first four groups; other ids unchanged. */
export function shortExecutionId(id: string): string {
  return id.replace(LEADING_GROUPS, '');
}

/** True when `id` begins with a whole UUID: a full id (a sub-workflow's included), nothing to resolve. */
export function isFullExecutionId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(id);
}

/** How long ago `at` was, as `kubectl get` prints ages, with "ago": `12s ago`, `3m ago`, `5h ago`, `2d ago`. */
export function formatAge(at: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(at));
  if (!Number.isFinite(ms)) return '-';
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ago`;
  return `${Math.floor(ms / 86_400_000)}d ago`;
}
