import type { DefinitionKind, DefinitionRecord } from '../core/model.js';
import { createRegistry } from '../registry/create-registry.js';
import type { StoreSession } from '../store/store.js';
import { formatUnifiedDiff } from './line-diff.js';
import { resolveVersion } from './resolve-version.js';

export interface DiffVersionsOptions {
  kind?: DefinitionKind;
  ref: string;
  /** Version number or commit sha (prefix) of the old side. */
  from: string | number;
  /** Version number or commit sha (prefix) of the new side. */
  to: string | number;
  /** Unchanged lines around each change. @default 3 */
  context?: number;
}

export interface VersionDiff {
  from: DefinitionRecord;
  to: DefinitionRecord;
  /** Unified diff of the two versions' YAML source; '' when identical. */
  diff: string;
}

function label(record: DefinitionRecord): string {
  const commit = record.origin.commit ? ` (${record.origin.commit.slice(0, 7)})` : '';
  return `${record.ref}@v${record.version}${commit} ${record.file}`;
}

/**
 * A readable diff of the YAML two versions of a ref were registered from.
 *
 * Thrown when the ref or either version is unknown.
 */
export async function diffDefinitionVersions(session: StoreSession, options: DiffVersionsOptions): Promise<VersionDiff> {
  const versions = await createRegistry(session).versions(options.kind ?? 'workflow', options.ref);
  const from = resolveVersion(versions, options.from);
  const to = resolveVersion(versions, options.to);
  const diff = formatUnifiedDiff(from.source, to.source, {
    fromLabel: label(from),
    toLabel: label(to),
    context: options.context ?? 3,
  });
  return { from, to, diff };
}
