/**
 * Between the browser's `datetime-local` inputs (the viewer's wall clock, to the minute)
 * and the ISO UTC times kept in links and sent to the server, so a shared link means
 * the same instant wherever it is opened.
 */

/** The `datetime-local` value (YYYY-MM-DDTHH:mm, local time) for an ISO time; '' for none or a malformed one. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ISO UTC time of a `datetime-local` value read as local time; undefined for '' or a malformed value. */
export function fromLocalInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(year, month - 1, day, hour, minute, second);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
