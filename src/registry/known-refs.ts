import type { DefinitionKind, DefinitionRecord } from '../core/model.js';
import type { KnownRefs } from '../packs/pack-model.js';
import type { StoreSession } from '../store/store.js';

const PAGE = 1000;

async function activeRefs(session: StoreSession, kind: DefinitionKind): Promise<DefinitionRecord[]> {
  const items: DefinitionRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await session.registry.listActive({ kind, limit: PAGE, offset });
    items.push(...page.items);
    if (page.items.length < PAGE) return items;
  }
}

/**
 * The refs registered in the store, outside the packs in `exclude`, so the pipeline
 * resolves references to packs that are not in the tree being validated.
 */
export async function knownRefs(session: StoreSession, exclude: ReadonlySet<string> = new Set()): Promise<KnownRefs> {
  const outside = (pack_ref: string) => !exclude.has(pack_ref);
  const refsOf = async (kind: DefinitionKind) =>
    new Set((await activeRefs(session, kind)).filter((item) => outside(item.pack_ref)).map((item) => item.ref));
  const components = await session.components.listComponents();
  return {
    packs: new Set((await session.registry.listPacks()).map((p) => p.ref).filter(outside)),
    workflows: await refsOf('workflow'),
    templates: await refsOf('template'),
    actions: await refsOf('action'),
    components: new Map(components.map((c) => [c.name, c.capabilities])),
  };
}
