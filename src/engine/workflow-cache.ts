import { HarmoniaError } from '../core/errors.js';
import type { RunnableDefinition, WorkflowDef } from '../core/model.js';
import type { Store } from '../store/store.js';
import type { StartExecutionOptions } from './engine-api.js';
import { paramsReadBy } from '../templates/params-read-by.js';
import { buildPlan, type Plan } from './plan.js';

/** A workflow version with its plan built once. */
export interface LoadedWorkflow {
  /** Without `source`: running never reads the YAML, and a cold start need not either. */
  record: RunnableDefinition<WorkflowDef>;
  plan: Plan;
  /** The `${param.*}` names it reads: non-empty for a template body, which does not start. */
  templateParams: readonly string[];
}

/**
 * Workflow versions by id; versions are immutable, so entries never go stale. The
 * least recently used are dropped beyond a bound, so a server that runs many
 * API-created versions does not grow without limit.
 */
export interface WorkflowCache {
  /** Thrown when the version does not exist or is not a workflow (WORKFLOW_NOT_FOUND). */
  byId(id: string): Promise<LoadedWorkflow>;
  /** The pinned version (`workflow_id`) or the active one of `workflow_ref`. */
  resolve(options: StartExecutionOptions): Promise<LoadedWorkflow>;
}

function notRegistered(ref: string): HarmoniaError {
  return new HarmoniaError('WORKFLOW_NOT_FOUND', `workflow '${ref}' is not registered`, { details: { ref } });
}

/** Creates the cache of workflow versions the engine runs. */
export function createWorkflowCache(store: Store, maxEntries = 1000): WorkflowCache {
  // Map iteration order is insertion order: re-inserting on use keeps the oldest first.
  const workflows = new Map<string, LoadedWorkflow>();
  // The same entries by ref, then version: resolving a ref then reads only its small head row,
  // not the whole definition (body and source) on every start (and builds no key string).
  const byVersion = new Map<string, Map<number, LoadedWorkflow>>();
  /** The entry used last: touching it again changes no order (a start after a start of the same version). */
  let newest: LoadedWorkflow | null = null;
  const touch = (entry: LoadedWorkflow): LoadedWorkflow => {
    if (entry === newest) return entry;
    workflows.delete(entry.record.id);
    workflows.set(entry.record.id, entry);
    newest = entry;
    return entry;
  };
  const forget = (record: RunnableDefinition): void => {
    const versions = byVersion.get(record.ref);
    versions?.delete(record.version);
    if (versions?.size === 0) byVersion.delete(record.ref);
  };
  const remember = (record: RunnableDefinition): LoadedWorkflow => {
    const plan = buildPlan(record.body as WorkflowDef);
    const templateParams = paramsReadBy(record.body, { upstreamsAreIds: plan.upstreams_known });
    const entry = { record: record as RunnableDefinition<WorkflowDef>, plan, templateParams };
    workflows.set(record.id, entry);
    newest = entry;
    let versions = byVersion.get(record.ref);
    if (versions === undefined) {
      versions = new Map();
      byVersion.set(record.ref, versions);
    }
    versions.set(record.version, entry);
    for (const [id, oldest] of workflows) {
      if (workflows.size <= maxEntries) break;
      workflows.delete(id);
      forget(oldest.record);
      if (oldest === newest) newest = null;
    }
    return entry;
  };
  // Loads under way: a cluster node adopting a claim round of executions of one version read
  // its definition and built its plan once per execution (50 times) before the first landed.
  const loading = new Map<string, Promise<LoadedWorkflow>>();
  async function load(id: string): Promise<LoadedWorkflow> {
    const record = await store.registry.getRunnableById(id);
    if (!record || record.kind !== 'workflow') throw new HarmoniaError('WORKFLOW_NOT_FOUND', `workflow version '${id}' does not exist`);
    return remember(record);
  }
  function byId(id: string): Promise<LoadedWorkflow> {
    const cached = workflows.get(id);
    if (cached) return Promise.resolve(touch(cached));
    let loaded = loading.get(id);
    if (!loaded) {
      loaded = load(id).finally(() => loading.delete(id));
      loading.set(id, loaded);
    }
    return loaded;
  }
  return {
    byId,
    async resolve(opts) {
      if (opts.workflow_id !== undefined) return byId(opts.workflow_id);
      const ref = opts.workflow_ref;
      if (ref === undefined) throw new HarmoniaError('USAGE_INVALID', 'startExecution needs workflow_ref or workflow_id');
      const head = await store.registry.getHead('workflow', ref);
      if (!head || head.deleted_at !== null) throw notRegistered(ref);
      const cached = byVersion.get(ref)?.get(head.active_version);
      if (cached) return touch(cached);
      const record = await store.registry.getRunnable('workflow', ref, head.active_version);
      if (!record) throw notRegistered(ref);
      const known = workflows.get(record.id);
      return known ? touch(known) : remember(record);
    },
  };
}
