import { HarmoniaError } from '../core/errors.js';

/**
 * Refuses a resume cursor past the last stored event. Streams send only committed events,
 * so no client can have received one beyond the store's last: such a cursor is made up
 * (or corrupted), and accepting it would hold the stream silent until the store caught up,
 * losing every event below it without a word.
 * Thrown when `cursor` is above `last`: REQUEST_INVALID, `details.last`.
 */
export function refuseCursorPastHead(cursor: number | null, last: number): void {
  if (cursor === null || cursor <= last) return;
  throw new HarmoniaError(
    'REQUEST_INVALID',
    `resume position '${cursor}' is past the last stored event (${last}); resume after the id of an event received`,
    { details: { last } },
  );
}
