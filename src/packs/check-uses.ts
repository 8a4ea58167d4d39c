/**
 * The registry-wide rule a pack sync keeps: no active definition refers to something the
 * registry does not hold. A sync is refused (PACK_SYNC_REFUSED) when it would remove a
 * definition another one still uses, or register one that uses something not registered.
 */
import { HarmoniaError } from '../core/errors.js';
import type { DefinitionBody } from '../core/model.js';
import { describeDependants, findDependants, usesOf } from '../registry/find-dependants.js';
import type { StoreSession } from '../store/store.js';

/** What one pack's sync does, as far as uses go. Keys are `kind:ref`. */
export interface UsePlan {
  /** New versions this sync writes (validated against the new tree). */
  written: ReadonlyArray<{ ref: string; body: DefinitionBody }>;
  /** Keys active after the sync: written, revived or left as they are. */
  kept: ReadonlySet<string>;
  /** Keys this sync prunes. */
  removed: ReadonlySet<string>;
}

/**
 * Thrown (PACK_SYNC_REFUSED) when the plan would leave an active definition using
 * something gone. `alongside` holds keys other packs of the same dry run would register.
 */
export async function checkUses(session: StoreSession, packRef: string, plan: UsePlan, alongside: ReadonlySet<string>): Promise<void> {
  await refuseDanglingUses(session, packRef, plan);
  await refuseMissingUses(session, packRef, plan, alongside);
}

// A pruned ref that another active definition still uses would fail only at run time:
// name who uses it. Definitions this sync replaces were validated against the new tree,
// so only the ones that keep their body are asked.
async function refuseDanglingUses(session: StoreSession, packRef: string, plan: UsePlan): Promise<void> {
  if (plan.removed.size === 0) return;
  const gone = new Set([...plan.removed].map((key) => key.slice(key.indexOf(':') + 1)));
  const replaced = new Set(plan.written.map((w) => w.ref));
  const dependants = await findDependants(session, gone, (record) => record.pack_ref === packRef && replaced.has(record.ref));
  if (dependants.length === 0) return;
  throw new HarmoniaError(
    'PACK_SYNC_REFUSED',
    `sync of pack '${packRef}' would remove definitions that active definitions still use: ${describeDependants(dependants)}; ` +
      'change or remove those uses first (or in the same sync)',
    { details: { pack_ref: packRef, dependants } },
  );
}

// What a new version uses must be registered when the sync commits (or come with it): a
// pack validated against its neighbours in the folder may use one that failed to sync.
async function refuseMissingUses(session: StoreSession, packRef: string, plan: UsePlan, alongside: ReadonlySet<string>): Promise<void> {
  const missing: string[] = [];
  for (const { ref, body } of plan.written) {
    for (const use of usesOf(body)) {
      const key = `${use.kind}:${use.ref}`;
      if (plan.kept.has(key) || alongside.has(key)) continue;
      if (!plan.removed.has(key) && (await session.registry.getActive(use.kind, use.ref)) !== null) continue;
      missing.push(`'${ref}' uses ${use.kind} '${use.ref}'`);
    }
  }
  if (missing.length === 0) return;
  throw new HarmoniaError(
    'PACK_SYNC_REFUSED',
    `pack '${packRef}' is not registered: ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}, ` +
      'which is not registered; sync the pack that defines it first (or fix its errors)',
    { details: { pack_ref: packRef, missing } },
  );
}

/**
 * Deleting a pack that others use would leave them pointing at nothing. Thrown
 * (PACK_SYNC_REFUSED, naming them) when active definitions of packs other than those in
 * `alongWith` use one of `refs`, or list the pack in their dependencies.
 */
export async function refuseDeletingUsedPack(
  session: StoreSession,
  packRef: string,
  refs: ReadonlySet<string>,
  alongWith: ReadonlySet<string>,
): Promise<void> {
  const others = (record: { pack_ref: string }) => record.pack_ref === packRef || alongWith.has(record.pack_ref);
  const dependants = await findDependants(session, refs, others);
  const declaring = (await session.registry.listPacks())
    .filter((p) => p.ref !== packRef && !alongWith.has(p.ref) && p.manifest.dependencies.includes(packRef))
    .map((p) => p.ref);
  if (dependants.length === 0 && declaring.length === 0) return;
  const uses = dependants.length > 0 ? describeDependants(dependants) : `pack.yaml of ${declaring.map((r) => `'${r}'`).join(', ')} lists it in dependencies`;
  throw new HarmoniaError(
    'PACK_SYNC_REFUSED',
    `pack '${packRef}' is not deleted: other packs still use it (${uses}); remove those uses first, or delete those packs with it`,
    { details: { pack_ref: packRef, dependants, declared_by: declaring } },
  );
}
