import { HarmoniaError } from '../core/errors.js';

// A date, or a date and time with its offset: a time without one would be read in the
// zone of whichever process runs the use-case, which the caller cannot see.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * A time filter (`created_since`, ...) normalised to `Date.toISOString()` form (UTC, ms) so
 * the store compares it with its stored times as text. A date alone means its UTC midnight.
 * Thrown when the value is not such a time (REQUEST_INVALID).
 */
export function timeFilter(name: string, value: string | Date | undefined): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined || value === '') return undefined;
  const ms = isIsoTime(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new HarmoniaError(
      'REQUEST_INVALID',
      `query parameter ${name}='${value.slice(0, 100)}' must be an ISO 8601 time with its offset, such as 2026-01-31T09:30:00Z, or a date`,
    );
  }
  return new Date(ms).toISOString();
}

// Date.parse rolls 2026-02-30 over into March; the day must exist in its month.
function isIsoTime(raw: string): boolean {
  const match = ISO_TIME.exec(raw);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
