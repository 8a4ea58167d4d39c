/**
 * Who still uses a definition that a sync or a delete is about to remove. A registry
 * must never keep an active definition that refers to something gone: it would fail only
 * at run time, with ACTION_NOT_FOUND, while every status said `synced`.
 */
import type { DefinitionBody, DefinitionKind, DefinitionRecord, TaskDef } from '../core/model.js';
import type { StoreSession } from '../store/store.js';

/** An active definition that uses a ref about to go. */
export interface Dependant {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  /** The ref it uses. */
  uses: string;
}

const KINDS: readonly DefinitionKind[] = ['workflow', 'template', 'action'];
const PAGE = 1000;

function tasksOf(body: DefinitionBody): readonly TaskDef[] {
  if ('tasks' in body && Array.isArray(body.tasks)) return body.tasks;
  if ('workflow' in body && Array.isArray(body.workflow?.tasks)) return body.workflow.tasks;
  return [];
}

/** A ref a definition uses, with the kind it must have. */
export interface Use {
  kind: DefinitionKind;
  ref: string;
}

/** What a definition body names: task actions (built-ins left out), core.workflow children, a template's parent. */
export function usesOf(body: DefinitionBody): Use[] {
  const uses = new Map<string, Use>();
  const add = (kind: DefinitionKind, ref: string) => uses.set(`${kind}:${ref}`, { kind, ref });
  for (const task of tasksOf(body)) {
    if (task.component === undefined && typeof task.action === 'string' && !task.action.startsWith('core.')) add('action', task.action);
    const child = (task.input as Record<string, unknown> | undefined)?.['workflow'];
    // A child named by an expression is resolved at run time; only a literal ref is known here.
    if (task.action === 'core.workflow' && typeof child === 'string' && !child.includes('${')) add('workflow', child);
  }
  if ('extends' in body && typeof body.extends === 'string') add('template', body.extends);
  return [...uses.values()];
}

/** The refs a definition body names, whatever their kind. */
export function refsUsedBy(body: DefinitionBody): Set<string> {
  return new Set(usesOf(body).map((use) => use.ref));
}

async function activeOf(session: StoreSession, kind: DefinitionKind): Promise<DefinitionRecord[]> {
  const items: DefinitionRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await session.registry.listActive({ kind, limit: PAGE, offset });
    items.push(...page.items);
    if (page.items.length < PAGE) return items;
  }
}

/**
 * Active definitions that use one of `gone`, except those `skip` says are going too or
 * are being replaced (their new body was checked against the new tree already).
 */
export async function findDependants(
  session: StoreSession,
  gone: ReadonlySet<string>,
  skip: (record: DefinitionRecord) => boolean,
): Promise<Dependant[]> {
  if (gone.size === 0) return [];
  const found: Dependant[] = [];
  for (const kind of KINDS) {
    for (const record of await activeOf(session, kind)) {
      if (gone.has(record.ref) || skip(record)) continue;
      for (const uses of refsUsedBy(record.body)) {
        if (gone.has(uses)) found.push({ kind: record.kind, ref: record.ref, pack_ref: record.pack_ref, uses });
      }
    }
  }
  return found;
}

/** `'app.deploy' (workflow) uses 'lib.build'`, for the first few dependants. */
export function describeDependants(dependants: readonly Dependant[]): string {
  const shown = dependants.slice(0, 5).map((d) => `'${d.ref}' (${d.kind}) uses '${d.uses}'`);
  const more = dependants.length > shown.length ? ` and ${dependants.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}
