import { HarmoniaError, type ErrorCode } from '../../core/errors.js';
import type {
  DefinitionBody,
  DefinitionHead,
  DefinitionKind,
  DefinitionOrigin,
  DefinitionRecord,
  PackManifest,
  PackRecord,
} from '../../core/model.js';
import type { DefinitionQuery } from '../store.js';

// JSON columns arrive parsed by the driver.
export interface PackRow {
  ref: string;
  manifest: PackManifest;
  created_at: string;
  updated_at: string;
}

export interface DefinitionRow {
  id: string;
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  version: number;
  content_hash: string;
  body: DefinitionBody;
  source: string;
  file: string;
  origin: DefinitionOrigin;
  created_at: string;
}

export interface HeadRow {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  active_version: number;
  latest_version: number;
  pinned: boolean;
  deleted_at: string | null;
  updated_at: string;
}

const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 1000;

export const NOT_FOUND: Record<DefinitionKind, ErrorCode> = {
  workflow: 'WORKFLOW_NOT_FOUND',
  template: 'TEMPLATE_NOT_FOUND',
  action: 'ACTION_NOT_FOUND',
};

export function toPack(row: PackRow): PackRecord {
  return { ref: row.ref, manifest: row.manifest, created_at: row.created_at, updated_at: row.updated_at };
}

export function toDefinition(row: DefinitionRow): DefinitionRecord {
  return {
    id: row.id,
    kind: row.kind,
    ref: row.ref,
    pack_ref: row.pack_ref,
    version: row.version,
    content_hash: row.content_hash,
    body: row.body,
    source: row.source,
    file: row.file,
    origin: row.origin,
    created_at: row.created_at,
  };
}

export function toHead(row: HeadRow): DefinitionHead {
  return {
    kind: row.kind,
    ref: row.ref,
    pack_ref: row.pack_ref,
    active_version: row.active_version,
    latest_version: row.latest_version,
    pinned: row.pinned,
    deleted_at: row.deleted_at,
    updated_at: row.updated_at,
  };
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Validates a page the same way the SQLite backend does. */
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
