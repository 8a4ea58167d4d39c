/** The backend-neutral rules of registry queries: paging, text search and not-found codes. */
import { HarmoniaError, type ErrorCode } from '../core/errors.js';
import type { DefinitionKind } from '../core/model.js';
import type { DefinitionQuery } from './store.js';

/** @default 100 */
const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 1000;

/** The error code a missing definition of each kind is reported with. */
export const NOT_FOUND: Record<DefinitionKind, ErrorCode> = {
  workflow: 'WORKFLOW_NOT_FOUND',
  template: 'TEMPLATE_NOT_FOUND',
  action: 'ACTION_NOT_FOUND',
};

/** Escapes LIKE wildcards so user text matches literally (use with `ESCAPE '\'`). */
export function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** A LIKE pattern matching values that start with `text` literally (use with `ESCAPE '\'`). */
export function likePrefix(text: string): string {
  return `${escapeLike(text)}%`;
}

/** A LIKE pattern matching values that end with `text` literally (use with `ESCAPE '\'`). */
export function likeSuffix(text: string): string {
  return `%${escapeLike(text)}`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The page a query asks for. Thrown when limit or offset is out of range (USAGE_INVALID). */
export function pageOf(query: DefinitionQuery): { limit: number; offset: number } {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new HarmoniaError('USAGE_INVALID', `invalid limit '${limit}'; expected an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new HarmoniaError('USAGE_INVALID', `invalid offset '${offset}'; expected an integer of 0 or more`);
  }
  return { limit, offset };
}

/** Grouped counts rows → pack ref → kind → count (every kind present, 0 when none). */
export function countsByPack(found: ReadonlyArray<{ pack_ref: string; kind: DefinitionKind; n: number }>): Map<string, Record<DefinitionKind, number>> {
  const counts = new Map<string, Record<DefinitionKind, number>>();
  for (const row of found) {
    const entry = counts.get(row.pack_ref) ?? { workflow: 0, template: 0, action: 0 };
    entry[row.kind] = row.n;
    counts.set(row.pack_ref, entry);
  }
  return counts;
}
