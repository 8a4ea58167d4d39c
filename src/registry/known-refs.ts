import type { DefinitionKind, DefinitionRecord, WorkflowDef } from '../core/model.js';
import type { KnownRefs } from '../packs/pack-model.js';
import { workflowCallsOf } from '../packs/workflow-calls.js';
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
  const workflows = (await activeRefs(session, 'workflow')).filter((item) => outside(item.pack_ref));
  const components = await session.components.listComponents();
  return {
    packs: new Set((await session.registry.listPacks()).map((p) => p.ref).filter(outside)),
    workflows: new Set(workflows.map((item) => item.ref)),
    // Only workflows that call another: most call none, and the map stays small.
    workflow_calls: new Map(workflows.flatMap((item) => {
      const calls = workflowCallsOf(item.body as WorkflowDef);
      return calls.length > 0 ? [[item.ref, calls] as const] : [];
    })),
    templates: await refsOf('template'),
    actions: await refsOf('action'),
    components: new Map(components.map((c) => [c.name, c.capabilities])),
  };
}
