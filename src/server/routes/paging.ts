import { queryValueError } from '../../core/query-value.js';
import type { PageOptions } from '../../core/harmonia-api.js';
import type { QueryParamDef } from '../route.js';

/** The query parameters of every listing: one page of `limit` items after `offset`. */
export const PAGE_QUERY: readonly QueryParamDef[] = [
  { name: 'limit', type: 'integer', description: 'Page size, 1..1000 (default 50).' },
  { name: 'offset', type: 'integer', description: 'Items to skip (default 0).' },
];

/** `limit` and `offset` of a query as the use-case takes them (it checks their ranges). */
export function pageQuery(query: Record<string, string>): PageOptions {
  const limit = intOption(query, 'limit');
  const offset = intOption(query, 'offset');
  return { ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) };
}

/** Events per page of GET /executions/:id/events when `limit` is not given, and the most a page holds. */
export const EVENTS_PAGE_DEFAULT = 1000;
export const EVENTS_PAGE_MAX = 10_000;

/** `limit` (default 50, at most 1000) and `offset` (default 0) from a query. */
export function pageOf(query: Record<string, string>): { limit: number; offset: number } {
  return { limit: intParam(query, 'limit', 50, 1, 1000), offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

/** An integer query parameter within bounds; REQUEST_INVALID otherwise. */
export function intParam(query: Record<string, string>, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  // digits only: Number() would also take '1e3', '0x10', ' 5 ' and '5.0'
  const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw queryValueError(name, raw, { expected: `an integer from ${min} to ${max}` });
  }
  return value;
}

/**
 * A whole-number query parameter as a number, or undefined when absent; its range is the
 * use-case's to check (src/app), so every edge refuses the same values the same way.
 * Thrown when it is not digits: REQUEST_INVALID.
 */
export function intOption(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  // digits only: Number() would also take '1e3', '0x10', ' 5 ' and '5.0'
  const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw queryValueError(name, raw, { expected: 'a whole number' });
  return value;
}
