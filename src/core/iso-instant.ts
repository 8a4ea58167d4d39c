/**
 * Instants as users write them in files and requests: an ISO 8601 date (its UTC midnight)
 * or a date and time with its offset. A time without an offset is refused: it would be read
 * in the zone of whichever process reads it (Date.parse takes it as local time), so two
 * nodes, or the CLI and the server, would disagree on it.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** What to tell a user whose time was refused. */
export const ISO_INSTANT_HINT = "write an ISO 8601 time with its offset, such as '2027-01-01T00:00:00Z' or '2027-01-01T09:30:00+02:00', or a date such as '2027-01-01' (UTC midnight)";

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why `text` is not an instant, as a predicate to follow its quoted value ("'2027-02-29'
 * names a day its month does not have (February 2027 has 28 days)"), or null when it is one.
 * A day the month lacks is named as such: the time is otherwise well written, and "not a
 * time with its offset" sent users looking for an offset it had.
 */
export function isoInstantProblem(text: string): string | null {
  if (isoInstant(text) !== null) return null;
  const match = ISO_INSTANT.exec(text);
  if (match) {
    const [year, month] = [Number(match[1]), Number(match[2])];
    if (month >= 1 && month <= 12) {
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return `names a day its month does not have (${MONTHS[month - 1] ?? ''} ${year} has ${days} days)`;
    }
    return `names month ${match[2] ?? ''}, which does not exist`;
  }
  return 'is not a time with its offset';
}

/**
 * Milliseconds since the epoch of `text`, or null when it is not such an instant (or names
 * a day its month does not have: Date.parse rolls 2026-02-30 over into March).
 * @example isoInstant('2027-01-01') // 1798761600000
 * @example isoInstant('2027-01-01T00:00:00') // null: no offset
 */
export function isoInstant(text: string): number | null {
  const match = ISO_INSTANT.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}
