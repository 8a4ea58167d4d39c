/** Text for times, durations and values. */

export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const ms = now - new Date(iso).getTime();
  if (ms < 0) return 'just now';
  return `${formatDuration(ms)} ago`;
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/**
 * An id short enough for a table cell. A time-ordered (version-7) UUID starts with its
 * creation time, the same for every execution of the same minute: its random tail tells
 * rows apart instead.
 */
export function shortId(id: string): string {
  if (id.length <= 12) return id;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(id);
  if (uuid === null) return id.slice(0, 8);
  // a sub-workflow's id is its parent's and the task that started it (`<uuid>:deploy#1`):
  // its own tail alone (`:deploy#1`) is the same for every parent's child of that task
  return uuid[0].slice(-8) + id.slice(uuid[0].length);
}
