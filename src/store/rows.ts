/**
 * Row → record mapping shared by the SQL backends. The backends store the same columns
 * but their drivers hand some over differently (SQLite: JSON as text, booleans as 0/1;
 * PostgreSQL: both already decoded), so each row type is generic over those column
 * types and each mapper takes the backend's ColumnDecoder.
 */
import type { ComponentRecord, DefinitionBody, DefinitionHead, DefinitionKind, DefinitionOrigin, DefinitionRecord, PackManifest, PackRecord, RunnableDefinition } from '../core/model.js';
import type { StoredTaskLogLine } from './store.js';

/** How a backend's driver hands over JSON columns (`Json`) and boolean columns (`Flag`). */
export interface ColumnDecoder<Json, Flag> {
  json(column: Json): unknown;
  flag(column: Flag): boolean;
}

/** A row of `packs`. */
export interface PackRow<Json> {
  ref: string;
  manifest: Json;
  created_at: string;
  updated_at: string;
}

/** A row of `definitions`. */
export interface DefinitionRow<Json> {
  id: string;
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  version: number;
  content_hash: string;
  body: Json;
  source: string;
  file: string;
  origin: Json;
  created_at: string;
}

/** A row of `definition_heads`. */
export interface HeadRow<Flag> {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  active_version: number;
  latest_version: number;
  pinned: Flag;
  deleted_at: string | null;
  updated_at: string;
}

/** A row of `components`. */
export interface ComponentRow<Json> {
  id: string;
  name: string;
  base_url: string;
  capabilities: Json;
  metadata: Json;
  registered_at: string;
  last_heartbeat_at: string | null;
}

/** Maps a `packs` row to its record. */
export function packFromRow<Json, Flag>(row: PackRow<Json>, columns: ColumnDecoder<Json, Flag>): PackRecord {
  return { ref: row.ref, manifest: columns.json(row.manifest) as PackManifest, created_at: row.created_at, updated_at: row.updated_at };
}

/** Maps a `definitions` row to its record. */
export function definitionFromRow<Json, Flag>(row: DefinitionRow<Json>, columns: ColumnDecoder<Json, Flag>): DefinitionRecord {
  return {
    id: row.id,
    kind: row.kind,
    ref: row.ref,
    pack_ref: row.pack_ref,
    version: row.version,
    content_hash: row.content_hash,
    body: columns.json(row.body) as DefinitionBody,
    source: row.source,
    file: row.file,
    origin: columns.json(row.origin) as DefinitionOrigin,
    created_at: row.created_at,
  };
}

/** The `definitions` columns but `source`: what a runnable version is read from. */
export const RUNNABLE_COLUMNS = 'id, kind, ref, pack_ref, version, content_hash, body, file, origin, created_at';

/** Maps a `definitions` row read without `source` (RUNNABLE_COLUMNS) to its runnable version. */
export function runnableFromRow<Json, Flag>(row: Omit<DefinitionRow<Json>, 'source'>, columns: ColumnDecoder<Json, Flag>): RunnableDefinition {
  return {
    id: row.id,
    kind: row.kind,
    ref: row.ref,
    pack_ref: row.pack_ref,
    version: row.version,
    content_hash: row.content_hash,
    body: columns.json(row.body) as DefinitionBody,
    file: row.file,
    origin: columns.json(row.origin) as DefinitionOrigin,
    created_at: row.created_at,
  };
}

/** Maps a `definition_heads` row to its head. */
export function headFromRow<Json, Flag>(row: HeadRow<Flag>, columns: ColumnDecoder<Json, Flag>): DefinitionHead {
  return {
    kind: row.kind,
    ref: row.ref,
    pack_ref: row.pack_ref,
    active_version: row.active_version,
    latest_version: row.latest_version,
    pinned: columns.flag(row.pinned),
    deleted_at: row.deleted_at,
    updated_at: row.updated_at,
  };
}

/** Maps a `components` row to its record. */
export function componentFromRow<Json, Flag>(row: ComponentRow<Json>, columns: ColumnDecoder<Json, Flag>): ComponentRecord {
  return {
    id: row.id,
    name: row.name,
    base_url: row.base_url,
    capabilities: columns.json(row.capabilities) as string[],
    metadata: columns.json(row.metadata) as Record<string, unknown>,
    registered_at: row.registered_at,
    last_heartbeat_at: row.last_heartbeat_at,
  };
}

/** A task_logs row as either driver returns it. */
export interface LogRow {
  seq: number | string;
  execution_id: string;
  task_id: string;
  item_index: number | null;
  attempt: number;
  stream: string;
  at: string;
  line: string;
}

export function toLogLine(row: LogRow): StoredTaskLogLine {
  const line: StoredTaskLogLine = {
    seq: Number(row.seq),
    execution_id: row.execution_id,
    task_id: row.task_id,
    attempt: Number(row.attempt),
    stream: row.stream as StoredTaskLogLine['stream'],
    at: row.at,
    line: row.line,
  };
  if (row.item_index !== null) line.item_index = Number(row.item_index);
  return line;
}
