import type { ExecutionRecord } from '../../core/model.js';
import { arrayLiteral } from './array-literal.js';

/** What an execution's UPDATE may change, as the store's update paths take it. */
export type ExecutionPatch = Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>>;

/** A JSON column's parameter: null stays SQL NULL, anything else its JSON text. */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * The array parameters of a many-row execution UPDATE, in the order both statements that
 * use them (the group commit's and updateExecutions') unnest them: ids, then per column
 * whether it is set where that matters (output, error, finished_at may be set to null) and
 * its value.
 */
export function patchColumns(updates: ReadonlyArray<{ id: string; patch: ExecutionPatch }>): Array<ReturnType<typeof arrayLiteral>> {
  const column = <T extends string | number | boolean | null>(fn: (patch: ExecutionPatch) => T) => arrayLiteral(updates.map(({ patch }) => fn(patch)));
  return [
    arrayLiteral(updates.map(({ id }) => id)),
    column((p) => p.status ?? null),
    column((p) => p.output !== undefined),
    column((p) => jsonOrNull(p.output)),
    column((p) => p.error !== undefined),
    column((p) => jsonOrNull(p.error)),
    column((p) => p.updated_at ?? null),
    column((p) => p.finished_at !== undefined),
    column((p) => p.finished_at ?? null),
    column((p) => p.last_seq ?? null),
  ];
}
