import { HarmoniaError } from '../core/errors.js';

/**
 * Refuses a resume cursor past the last stored event (or, on a task-log stream, the
 * execution's last stored log line). Streams and pages send only what is stored, so no
 * client can have received anything beyond the store's last: such a cursor is made up (or
 * corrupted), and accepting it would hold the stream silent until the store caught up,
 * losing everything below it without a word.
 * Thrown when `cursor` is above `last`: REQUEST_INVALID, `details.last`.
 */
export function refuseCursorPastHead(cursor: number | null, last: number, what: 'event' | 'log line' = 'event'): void {
  if (cursor === null || cursor <= last) return;
  throw new HarmoniaError(
    'REQUEST_INVALID',
    `resume position '${cursor}' is past the last stored ${what} (${last}); resume after the ${what === 'event' ? 'id of an event' : 'seq of a log line'} received`,
    { details: { last } },
  );
}
