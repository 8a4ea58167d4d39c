/** Reading workflows: listings, one version, every version, the git history and diffs. */
import { HarmoniaError } from '../core/errors.js';
import type { DiffOptions, HarmoniaApi, WorkflowListOptions } from '../core/harmonia-api.js';
import type { VersionDiffView, WorkflowHistoryView } from '../core/wire.js';
import { getDefinitionHistory } from '../gitops/definition-history.js';
import { diffDefinitionVersions } from '../gitops/diff-versions.js';
import { createRegistry } from '../registry/create-registry.js';
import type { Store } from '../store/store.js';
import { boundedInt, pageItems, pageOf } from './page.js';
import { workflowDetail, workflowView } from './views.js';

export type WorkflowUseCases = Pick<HarmoniaApi, 'listWorkflows' | 'getWorkflow' | 'listWorkflowVersions' | 'getWorkflowHistory' | 'diffWorkflowVersions'>;

/** The ref a caller names: a ref (pruned ones included, for their history) or a version id. */
export async function workflowRefOf(store: Store, idOrRef: string): Promise<string> {
  if (await store.registry.getHead('workflow', idOrRef)) return idOrRef;
  return (await createRegistry(store).getWorkflow(idOrRef)).ref;
}

function versionOrSha(name: string, value: string | number): string {
  const text = String(value).trim();
  if (text === '') throw new HarmoniaError('REQUEST_INVALID', `query parameter '${name}' is required: a version number or a commit sha (4+ hex digits)`);
  return text;
}

/** Creates the workflow reads over a store. */
export function createWorkflowUseCases(store: Store): WorkflowUseCases {
  const registry = createRegistry(store);
  return {
    async listWorkflows(options: WorkflowListOptions = {}) {
      const page = pageOf(options);
      if (options.pack !== undefined && (await store.registry.getPack(options.pack)) === null) {
        throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${options.pack}'; run \`harmonia pack list\` to see the registered ones`, {
          details: { pack_ref: options.pack },
        });
      }
      const found = await store.registry.listActive({
        kind: 'workflow',
        ...(options.pack !== undefined ? { pack_ref: options.pack } : {}),
        ...(options.text !== undefined ? { text: options.text } : {}),
        ...page,
      });
      // One read for the heads of the whole page, not one per workflow.
      const heads = await store.registry.getHeads('workflow', found.items.map((record) => record.ref));
      return { items: found.items.map((record) => workflowView(record, heads.get(record.ref) ?? null)), total: found.total, ...page };
    },
    async getWorkflow(idOrRef, options = {}) {
      const version = options.version === undefined ? undefined : boundedInt('version', options.version, 1, 1, Number.MAX_SAFE_INTEGER);
      const record = await registry.getWorkflow(idOrRef, version);
      return workflowDetail(record, await store.registry.getHead('workflow', record.ref));
    },
    async listWorkflowVersions(idOrRef, options = {}) {
      pageOf(options);
      const current = await registry.getWorkflow(idOrRef);
      const head = await store.registry.getHead('workflow', current.ref);
      const versions = await store.registry.listVersions('workflow', current.ref);
      return { ref: current.ref, ...pageItems(versions.map((v) => workflowView(v, head)), options) };
    },
    async getWorkflowHistory(idOrRef, options = {}): Promise<WorkflowHistoryView> {
      pageOf(options);
      const history = await getDefinitionHistory(store, 'workflow', await workflowRefOf(store, idOrRef));
      return {
        kind: history.kind,
        ref: history.ref,
        active_version: history.head.active_version,
        latest_version: history.head.latest_version,
        pinned: history.head.pinned,
        ...pageItems(history.entries, options),
      };
    },
    async diffWorkflowVersions(idOrRef, from, to, options: DiffOptions = {}): Promise<VersionDiffView> {
      const fromText = versionOrSha('from', from);
      const toText = versionOrSha('to', to);
      const context = boundedInt('context', options.context, 3, 0, 1000);
      const ref = await workflowRefOf(store, idOrRef);
      const result = await diffDefinitionVersions(store, { kind: 'workflow', ref, from: fromText, to: toText, context });
      const side = (record: typeof result.from) => ({ version: record.version, commit: record.origin.commit ?? null });
      return { ref, from: side(result.from), to: side(result.to), identical: result.diff === '', diff: result.diff };
    },
  };
}
