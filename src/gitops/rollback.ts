import type { DefinitionKind } from '../core/model.js';
import { createRegistry } from '../registry/create-registry.js';
import type { StoreSession } from '../store/store.js';
import { resolveVersion } from './resolve-version.js';

export interface RollbackOptions {
  /** @default 'workflow' */
  kind?: DefinitionKind;
  ref: string;
  /** A version number or a commit sha (prefix) the ref was synced from. */
  to: string | number;
}

export interface PinChange {
  kind: DefinitionKind;
  ref: string;
  /** The version that was active before. */
  from_version: number;
  /** The version active now. */
  to_version: number;
  /** The commit of the version now active, when it came from git. */
  commit: string | null;
  pinned: boolean;
}

/**
 * Re-activates an older version and pins it, so the next git poll does not undo the
 * rollback: later commits still add versions, but the pinned one stays active until
 * `unpinDefinition`. Executions already running keep the version they started with.
 *
 * Thrown when the ref, version or commit is unknown.
 *
 * @example
 * await rollbackDefinition(store, { ref: 'ci_cd.deploy_app', to: '9f2c1e7' });
 */
export async function rollbackDefinition(session: StoreSession, options: RollbackOptions): Promise<PinChange> {
  const kind = options.kind ?? 'workflow';
  const registry = createRegistry(session);
  const before = await registry.head(kind, options.ref);
  const target = resolveVersion(await registry.versions(kind, options.ref), options.to);
  const after = await registry.pin(kind, options.ref, target.version);
  return {
    kind,
    ref: options.ref,
    from_version: before.active_version,
    to_version: after.active_version,
    commit: target.origin.commit ?? null,
    pinned: after.pinned,
  };
}

/**
 * Clears a pin: the newest version becomes active again and later syncs move the ref
 * as git changes.
 *
 * Thrown when the ref is unknown.
 */
export async function unpinDefinition(
  session: StoreSession,
  options: { kind?: DefinitionKind; ref: string },
): Promise<PinChange> {
  const kind = options.kind ?? 'workflow';
  const registry = createRegistry(session);
  const before = await registry.head(kind, options.ref);
  const after = await registry.unpin(kind, options.ref);
  const active = await registry.get(kind, options.ref, after.active_version);
  return {
    kind,
    ref: options.ref,
    from_version: before.active_version,
    to_version: after.active_version,
    commit: active.origin.commit ?? null,
    pinned: after.pinned,
  };
}
