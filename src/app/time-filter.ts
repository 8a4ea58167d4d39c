import { HarmoniaError } from '../core/errors.js';
import { queryValueError } from '../core/query-value.js';
import { isoInstant, isoInstantProblem } from '../core/iso-instant.js';

/**
 * A time filter (`created_since`, ...) normalised to `Date.toISOString()` form (UTC, ms) so
 * the store compares it with its stored times as text. A date alone means its UTC midnight.
 * Thrown when the value is not such a time (REQUEST_INVALID).
 */
export function timeFilter(name: string, value: string | Date | undefined): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined || value === '') return undefined;
  // A date, or a date and time with its offset: a time without one would be read in the
  // zone of whichever process runs the use-case, which the caller cannot see.
  const ms = isoInstant(value);
  if (ms === null) {
    const problem = isoInstantProblem(value);
    const expected = 'an ISO 8601 time with its offset, such as 2026-01-31T09:30:00Z, or a date';
    if (problem !== null && problem.startsWith('names')) {
      throw new HarmoniaError('REQUEST_INVALID', `query parameter ${name}='${value.slice(0, 100)}' ${problem}`, { details: { parameter: name, expected } });
    }
    throw queryValueError(name, value, { expected });
  }
  return new Date(ms).toISOString();
}
