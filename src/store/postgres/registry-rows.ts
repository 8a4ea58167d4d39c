/**
 * The registry's rows as node-postgres returns them (JSON and boolean columns decoded),
 * mapped through the shared src/store/rows.ts.
 */
import type { DefinitionHead, DefinitionRecord, PackRecord, RunnableDefinition } from '../../core/model.js';
import * as rows from '../rows.js';
import { pgColumns } from './pg-columns.js';

export { NOT_FOUND, countsByPack, likePattern, pageOf } from '../definition-query.js';

export type PackRow = rows.PackRow<unknown>;
export type DefinitionRow = rows.DefinitionRow<unknown>;
export type RunnableRow = Omit<DefinitionRow, 'source'>;
export { RUNNABLE_COLUMNS } from '../rows.js';
export type HeadRow = rows.HeadRow<boolean>;

/** Maps a `packs` row to its record. */
export function toPack(row: PackRow): PackRecord {
  return rows.packFromRow(row, pgColumns);
}

/** Maps a `definitions` row to its record. */
export function toDefinition(row: DefinitionRow): DefinitionRecord {
  return rows.definitionFromRow(row, pgColumns);
}

/** Maps a `definitions` row read without `source` to its runnable version. */
export function toRunnable(row: RunnableRow): RunnableDefinition {
  return rows.runnableFromRow(row, pgColumns);
}

/** Maps a `definition_heads` row to its head. */
export function toHead(row: HeadRow): DefinitionHead {
  return rows.headFromRow(row, pgColumns);
}
