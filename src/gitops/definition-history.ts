import type { DefinitionHead, DefinitionKind, DefinitionRecord } from '../core/model.js';
import { createRegistry } from '../registry/create-registry.js';
import type { StoreSession } from '../store/store.js';

/** One version of a ref as `workflow history` shows it. */
export interface HistoryEntry {
  version: number;
  /** The version id executions reference. */
  id: string;
  active: boolean;
  /** Where the version came from: git, api or local. */
  source: DefinitionRecord['origin']['source'];
  commit: string | null;
  author: string | null;
  /** The commit date when synced from git, else when the version was registered. */
  date: string;
  message: string | null;
  created_at: string;
  content_hash: string;
  file: string;
}

export interface DefinitionHistory {
  kind: DefinitionKind;
  ref: string;
  head: DefinitionHead;
  /** Oldest first. */
  entries: HistoryEntry[];
}

/** Turns stored versions into history rows (pure). */
export function toHistoryEntries(head: DefinitionHead, versions: readonly DefinitionRecord[]): HistoryEntry[] {
  return versions.map((record) => ({
    version: record.version,
    id: record.id,
    active: record.version === head.active_version,
    source: record.origin.source,
    commit: record.origin.commit ?? null,
    author: record.origin.author ?? null,
    date: record.origin.date ?? record.created_at,
    message: record.origin.message ?? null,
    created_at: record.created_at,
    content_hash: record.content_hash,
    file: record.file,
  }));
}

/**
 * Every stored version of a ref with the commit it came from.
 *
 * Thrown when the ref is unknown (WORKFLOW_NOT_FOUND, TEMPLATE_NOT_FOUND, ACTION_NOT_FOUND).
 *
 * @example
 * const { entries } = await getDefinitionHistory(store, 'workflow', 'ci_cd.deploy_app');
 */
export async function getDefinitionHistory(
  session: StoreSession,
  kind: DefinitionKind,
  ref: string,
): Promise<DefinitionHistory> {
  const registry = createRegistry(session);
  const head = await registry.head(kind, ref);
  const versions = await registry.versions(kind, ref);
  return { kind, ref, head, entries: toHistoryEntries(head, versions) };
}
