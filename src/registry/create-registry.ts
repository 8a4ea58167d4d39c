import { HarmoniaError, type ErrorCode } from '../core/errors.js';
import type {
  ActionDef,
  DefinitionBody,
  DefinitionHead,
  DefinitionKind,
  DefinitionRecord,
  TemplateDef,
  WorkflowDef,
} from '../core/model.js';
import type { DefinitionQuery, StoreSession } from '../store/store.js';

/** A listing query of one kind of definition. */
export type ListQuery = Omit<DefinitionQuery, 'kind'>;

export interface DefinitionPage<B extends DefinitionBody> {
  items: DefinitionRecord<B>[];
  total: number;
}

/** Read and rollback access to registered workflows, templates and actions. */
export interface Registry {
  /** A workflow by version id, or by ref (its active version, or `version` when given). */
  getWorkflow(refOrId: string, version?: number): Promise<DefinitionRecord<WorkflowDef>>;
  getTemplate(refOrId: string, version?: number): Promise<DefinitionRecord<TemplateDef>>;
  getAction(refOrId: string, version?: number): Promise<DefinitionRecord<ActionDef>>;
  get(kind: DefinitionKind, refOrId: string, version?: number): Promise<DefinitionRecord>;
  listWorkflows(query?: ListQuery): Promise<DefinitionPage<WorkflowDef>>;
  list(kind: DefinitionKind, query?: ListQuery): Promise<DefinitionPage<DefinitionBody>>;
  /** Every version of a ref, oldest first. */
  versions(kind: DefinitionKind, ref: string): Promise<DefinitionRecord[]>;
  /** The newest stored version of a ref, active or not. */
  latest(kind: DefinitionKind, ref: string): Promise<DefinitionRecord>;
  head(kind: DefinitionKind, ref: string): Promise<DefinitionHead>;
  /** Every active (not pruned) definition of a pack, ordered by ref. */
  findByPack(pack_ref: string, kind?: DefinitionKind): Promise<DefinitionRecord[]>;
  countByPack(pack_ref: string, kind?: DefinitionKind): Promise<number>;
  /** Makes `version` active and keeps it there through later syncs (rollback). */
  pin(kind: DefinitionKind, ref: string, version: number): Promise<DefinitionHead>;
  /** Clears the pin and makes the latest version active again. */
  unpin(kind: DefinitionKind, ref: string): Promise<DefinitionHead>;
}

const NOT_FOUND: Record<DefinitionKind, ErrorCode> = {
  workflow: 'WORKFLOW_NOT_FOUND',
  template: 'TEMPLATE_NOT_FOUND',
  action: 'ACTION_NOT_FOUND',
};
const PAGE = 1000;

function notFound(kind: DefinitionKind, refOrId: string): HarmoniaError {
  return new HarmoniaError(NOT_FOUND[kind], `unknown ${kind} '${refOrId}'; expected a registered ref or version id`, {
    details: { kind, ref: refOrId },
  });
}

/**
 * The registry queries callers use (server routes, the engine, the CLI), over any
 * store or transaction session. Lookups that find nothing throw a `*_NOT_FOUND` error.
 *
 * @example
 * const registry = createRegistry(store);
 * const deploy = await registry.getWorkflow('ci_cd.deploy_app');
 * const first = await registry.getWorkflow('ci_cd.deploy_app', 1);
 */
export function createRegistry(session: StoreSession): Registry {
  const repo = session.registry;

  async function head(kind: DefinitionKind, ref: string): Promise<DefinitionHead> {
    const found = await repo.getHead(kind, ref);
    if (!found) throw notFound(kind, ref);
    return found;
  }

  async function get(kind: DefinitionKind, refOrId: string, version?: number): Promise<DefinitionRecord> {
    const byId = await repo.getById(refOrId);
    if (byId) {
      if (byId.kind !== kind) throw notFound(kind, refOrId);
      if (version !== undefined && byId.version !== version) {
        throw new HarmoniaError(
          'USAGE_INVALID',
          `version id '${refOrId}' is version ${byId.version}, not ${version}; pass a ref to choose a version`,
        );
      }
      return byId;
    }
    if (version === undefined) {
      const active = await repo.getActive(kind, refOrId);
      if (!active) throw notFound(kind, refOrId);
      return active;
    }
    const record = await repo.getVersion(kind, refOrId, version);
    if (record) return record;
    await head(kind, refOrId);
    throw new HarmoniaError('VERSION_NOT_FOUND', `${kind} '${refOrId}' has no version ${version}`, {
      details: { kind, ref: refOrId, version },
    });
  }

  async function list(kind: DefinitionKind, query: ListQuery = {}): Promise<DefinitionPage<DefinitionBody>> {
    return repo.listActive({ ...query, kind });
  }

  async function versions(kind: DefinitionKind, ref: string): Promise<DefinitionRecord[]> {
    const all = await repo.listVersions(kind, ref);
    if (all.length === 0) throw notFound(kind, ref);
    return all;
  }

  return {
    get,
    getWorkflow: async (refOrId, version) => (await get('workflow', refOrId, version)) as DefinitionRecord<WorkflowDef>,
    getTemplate: async (refOrId, version) => (await get('template', refOrId, version)) as DefinitionRecord<TemplateDef>,
    getAction: async (refOrId, version) => (await get('action', refOrId, version)) as DefinitionRecord<ActionDef>,
    list,
    listWorkflows: async (query) => (await list('workflow', query)) as DefinitionPage<WorkflowDef>,
    versions,
    latest: async (kind, ref) => {
      const all = await versions(kind, ref);
      const last = all.at(-1);
      if (!last) throw notFound(kind, ref);
      return last;
    },
    head,
    findByPack: async (pack_ref, kind = 'workflow') => {
      const items: DefinitionRecord[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await repo.listActive({ kind, pack_ref, limit: PAGE, offset });
        items.push(...page.items);
        if (page.items.length < PAGE) return items;
      }
    },
    countByPack: (pack_ref, kind = 'workflow') => repo.countByPack(kind, pack_ref),
    pin: async (kind, ref, version) => {
      await repo.setActive(kind, ref, version, true);
      return head(kind, ref);
    },
    unpin: async (kind, ref) => {
      const current = await head(kind, ref);
      const last = (await versions(kind, ref)).at(-1);
      await repo.setActive(kind, ref, last?.version ?? current.active_version, false);
      return head(kind, ref);
    },
  };
}
