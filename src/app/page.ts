import { queryValueError } from '../core/query-value.js';
import type { PageOptions } from '../core/harmonia-api.js';
import type { Paginated } from '../core/wire.js';

/** Items of a page when `limit` is not given, and the most a page holds. */
export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 1000;

/**
 * A bounded whole number option. The message names the HTTP query parameter, which is the
 * same name whichever edge the value came through, so local and remote answers match.
 * Thrown when out of range: REQUEST_INVALID.
 */
export function boundedInt(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw queryValueError(name, value, { expected: `an integer from ${min} to ${max}` });
  }
  return value;
}

/**
 * One page of a listing read whole (packs, components, checkpoints, versions, schedules:
 * lists bounded by what is registered), in the envelope every listing answers.
 */
export function pageItems<T>(all: readonly T[], options: PageOptions): Paginated<T> {
  const page = pageOf(options);
  return { items: all.slice(page.offset, page.offset + page.limit), total: all.length, ...page };
}

/** `limit` (default 50, at most 1000) and `offset` (default 0) of a listing. */
export function pageOf(options: PageOptions): { limit: number; offset: number } {
  return {
    limit: boundedInt('limit', options.limit, PAGE_DEFAULT, 1, PAGE_MAX),
    offset: boundedInt('offset', options.offset, 0, 0, Number.MAX_SAFE_INTEGER),
  };
}
