/**
 * Revision retention: keep the last N versions of every ref, and purge one version on
 * demand (a secret committed by mistake). A version an unfinished execution runs is
 * never purged, and neither is the active one.
 */
import { HarmoniaError } from '../core/errors.js';
import type { DefinitionHead, DefinitionKind, DefinitionRecord } from '../core/model.js';
import type { ExecutionRepo, StoreSession } from '../store/store.js';

/** True when an unfinished execution references this version id. */
export type InUsePredicate = (definitionId: string) => boolean | Promise<boolean>;

export interface VersionKey {
  kind: DefinitionKind;
  ref: string;
  version: number;
}

export interface RetentionOptions {
  /** Versions to keep per ref, newest first (the active one is always kept too). Must be ≥ 1. */
  keep: number;
  isInUse: InUsePredicate;
  /** @default ['workflow', 'template', 'action'] */
  kinds?: readonly DefinitionKind[];
  /** Report what would be purged and purge nothing. @default false */
  dry_run?: boolean;
}

export interface RetentionResult {
  purged: VersionKey[];
  /** Older than the window but kept because an execution still runs them. */
  kept_in_use: VersionKey[];
}

const ALL_KINDS: readonly DefinitionKind[] = ['workflow', 'template', 'action'];
const PAGE = 500;

/**
 * The versions of one ref that fall outside the retention window (pure): all but the
 * newest `keep`, never the active one. Oldest first.
 */
export function versionsBeyondRetention(
  head: Pick<DefinitionHead, 'active_version'>,
  versions: readonly DefinitionRecord[],
  keep: number,
): DefinitionRecord[] {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return newestFirst
    .slice(Math.max(1, keep))
    .filter((record) => record.version !== head.active_version)
    .reverse();
}

async function refsOf(session: StoreSession, kind: DefinitionKind): Promise<string[]> {
  const refs: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await session.registry.listActive({ kind, include_deleted: true, limit: PAGE, offset });
    refs.push(...page.items.map((item) => item.ref));
    if (page.items.length < PAGE) return refs;
  }
}

/**
 * Purges, for every ref, the versions beyond the newest `keep`.
 *
 * Thrown when `keep` is below 1 (USAGE_INVALID).
 *
 * @example
 * const isInUse = await createInUseCheck(store.executions);
 * const { purged } = await applyRetention(store, { keep: 20, isInUse });
 */
export async function applyRetention(session: StoreSession, options: RetentionOptions): Promise<RetentionResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) {
    throw new HarmoniaError('USAGE_INVALID', `retention keep '${options.keep}' is invalid; expected an integer ≥ 1`);
  }
  const result: RetentionResult = { purged: [], kept_in_use: [] };
  for (const kind of options.kinds ?? ALL_KINDS) {
    for (const ref of await refsOf(session, kind)) {
      const head = await session.registry.getHead(kind, ref);
      if (!head) continue;
      const versions = await session.registry.listVersions(kind, ref);
      for (const record of versionsBeyondRetention(head, versions, options.keep)) {
        const key = { kind, ref, version: record.version };
        if (await options.isInUse(record.id)) {
          result.kept_in_use.push(key);
          continue;
        }
        if (options.dry_run !== true) await session.registry.purgeVersion(kind, ref, record.version);
        result.purged.push(key);
      }
    }
  }
  return result;
}

export interface PurgeRevisionOptions extends VersionKey {
  isInUse: InUsePredicate;
}

/**
 * Deletes one stored version for good — its YAML source included — e.g. after a
 * secret was committed by mistake. Purge the bad version from git history as well, or
 * the next sync of that commit brings it back.
 *
 * Thrown when the version is unknown (VERSION_NOT_FOUND), active or used by an
 * unfinished execution (STORE_CONFLICT).
 */
export async function purgeRevision(session: StoreSession, options: PurgeRevisionOptions): Promise<VersionKey> {
  const { kind, ref, version } = options;
  const record = await session.registry.getVersion(kind, ref, version);
  if (!record) {
    throw new HarmoniaError('VERSION_NOT_FOUND', `${kind} '${ref}' has no version ${version}`, {
      details: { kind, ref, version },
    });
  }
  const head = await session.registry.getHead(kind, ref);
  if (head?.active_version === version) {
    throw new HarmoniaError(
      'STORE_CONFLICT',
      `version ${version} of ${kind} '${ref}' is active; roll back to another version first`,
      { details: { kind, ref, version } },
    );
  }
  if (await options.isInUse(record.id)) {
    throw new HarmoniaError(
      'STORE_CONFLICT',
      `version ${version} of ${kind} '${ref}' is used by an unfinished execution; cancel it or wait for it to finish`,
      { details: { kind, ref, version, definition_id: record.id } },
    );
  }
  await session.registry.purgeVersion(kind, ref, version);
  return { kind, ref, version };
}

/**
 * An `isInUse` predicate over the executions that are unfinished now. Taken once:
 * an execution started later runs the active version, which is never purged.
 */
export async function createInUseCheck(executions: Pick<ExecutionRepo, 'listUnfinished'>): Promise<InUsePredicate> {
  const inUse = new Set((await executions.listUnfinished()).map((execution) => execution.workflow_id));
  return (definitionId) => inUse.has(definitionId);
}
