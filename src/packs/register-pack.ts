import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError } from '../core/errors.js';
import type { ActionDef, DefinitionBody, DefinitionHead, DefinitionKind, DefinitionOrigin, DefinitionRecord } from '../core/model.js';
import type { NewDefinitionFile, Store, StoreSession } from '../store/store.js';
import { canonicalJson, contentHash } from './content-hash.js';
import { REF_SEGMENT } from './load-packs.js';
import type { PackFileResult, ValidatedPack } from './pack-model.js';
import { readActionFiles } from './read-action-files.js';
import { checkUses, type UsePlan } from './check-uses.js';

/** How a pack is synced into the registry. */
export interface PackSyncOptions {
  /** Register the valid files of a pack that also has invalid ones. @default false */
  skip_validation_errors?: boolean;
  /** Add versions to refs that are already registered; false only creates new refs. @default true */
  update_existing?: boolean;
  /** Files larger than this (bytes) are refused unread by the pipeline. @default 1048576 */
  max_file_size?: number;
  /** Workflows and templates with more tasks are invalid (WORKFLOW_TOO_MANY_TASKS). @default 1000 */
  max_task_count?: number;
  /** Workflow and template files larger than this (bytes) are invalid (WORKFLOW_TOO_LARGE). @default 1048576 */
  max_workflow_size?: number;
  /** Mark refs whose file left the pack as deleted. @default true */
  prune?: boolean;
  /** Compute the plan and write nothing. @default false */
  dry_run?: boolean;
  /** Allow a sync that prunes every workflow (or every definition) of a pack that had some. @default false */
  allow_empty?: boolean;
  /** Recorded on every version this sync writes. @default { source: 'local' } */
  origin?: DefinitionOrigin;
}

export type PlanAction = 'create' | 'update' | 'unchanged' | 'prune';

/** What a sync does (or, in a dry run, would do) to one ref. */
export interface PlanEntry {
  kind: DefinitionKind;
  ref: string;
  action: PlanAction;
}

/** One workflow of a synced pack. */
export interface WorkflowRegistration {
  ref_name: string;
  /** True when this sync registered the ref for the first time. */
  created: boolean;
  /** Id of the version matching the file; null in a dry run that would write a new version. */
  workflow_def_id: string | null;
  /** The version matching the file (in a dry run, the one that would be written). */
  version: number;
  /** Warning diagnostics of the workflow's file. */
  warnings: Diagnostic[];
}

/** The result of syncing one pack. */
export interface PackSyncResult {
  pack_ref: string;
  /** Definition files (workflows, templates, actions) read from the pack. */
  loaded_count: number;
  /** Refs that got a new version or came back from being pruned. */
  registered_count: number;
  workflows: WorkflowRegistration[];
  /** Error diagnostics of every file of the pack. */
  errors: Diagnostic[];
  /** Every diagnostic of the pack's files, warnings too, sorted: what `harmonia validate` prints. */
  diagnostics: Diagnostic[];
  plan: PlanEntry[];
  /** Refs marked deleted because their file left the pack. */
  pruned: string[];
}

const KINDS: readonly DefinitionKind[] = ['workflow', 'template', 'action'];
const PAGE = 1000;

interface Candidate {
  kind: DefinitionKind;
  ref: string;
  file: PackFileResult;
  body: DefinitionBody;
  hash: string;
  /** A pack action's scripts, registered with its version (so a changed script is a new version). */
  files: NewDefinitionFile[];
}

type Step =
  | { action: 'create'; candidate: Candidate }
  | { action: 'update'; candidate: Candidate; head: DefinitionHead; latest: DefinitionRecord | null; revive: boolean }
  | { action: 'unchanged'; kind: DefinitionKind; ref: string; candidate: Candidate | null; latest: DefinitionRecord | null }
  | { action: 'prune'; kind: DefinitionKind; ref: string };

function isDefinitionKind(kind: string): kind is DefinitionKind {
  return (KINDS as readonly string[]).includes(kind);
}

function errorsOf(file: PackFileResult): Diagnostic[] {
  return file.diagnostics.filter((d) => d.severity === 'error');
}

/**
 * Refs of a pack that came from its files and are not pruned, by kind. Definitions
 * created through the API (template instances, POSTed workflows) have no file, so a
 * sync of the pack's folder must not prune them.
 */
async function activeRefs(session: StoreSession, kind: DefinitionKind, pack_ref: string): Promise<string[]> {
  const refs: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await session.registry.listActive({ kind, pack_ref, limit: PAGE, offset });
    refs.push(...page.items.filter((item) => item.origin.source !== 'api').map((item) => item.ref));
    if (page.items.length < PAGE) return refs;
  }
}

/**
 * Whether a file now comes from another git source than its latest version did: a new
 * version records the move, so the registry says which source owns the pack (and which
 * may prune it) even when the text did not change.
 */
function movedBetweenGitSources(stored: DefinitionOrigin, incoming: DefinitionOrigin | undefined): boolean {
  if (stored.source !== 'git' || incoming?.source !== 'git') return false;
  return (stored.git_source ?? 'default') !== (incoming.git_source ?? 'default');
}

/** The stored version a file is compared with: the latest one still stored. */
async function latestOf(session: StoreSession, head: DefinitionHead): Promise<DefinitionRecord | null> {
  const latest = await session.registry.getVersion(head.kind, head.ref, head.latest_version);
  if (latest) return latest;
  const all = await session.registry.listVersions(head.kind, head.ref);
  return all.at(-1) ?? null;
}

async function planSteps(session: StoreSession, pack: ValidatedPack, options: PackSyncOptions, alongside: ReadonlySet<string>): Promise<Step[]> {
  const steps: Step[] = [];
  const present = new Set<string>();
  for (const file of pack.files) {
    if (!isDefinitionKind(file.kind) || file.ref === null) continue;
    const key = `${file.kind}:${file.ref}`;
    if (present.has(key)) continue;
    present.add(key);
    const kind = file.kind;
    const ref = file.ref;
    const head = await session.registry.getHead(kind, ref);
    const latest = head ? await latestOf(session, head) : null;
    if (errorsOf(file).length > 0 || file.body === null) {
      // An invalid file never replaces what is registered: its ref stays as it was.
      if (head) steps.push({ action: 'unchanged', kind, ref, candidate: null, latest });
      continue;
    }
    const body = file.body as DefinitionBody;
    const files = kind === 'action' ? await readActionFiles(pack.dir, body as ActionDef, options.max_file_size) : [];
    const hash = files.length === 0 ? contentHash(body) : contentHash({ body, files: files.map((f) => [f.path, f.sha256]) });
    const candidate: Candidate = { kind, ref, file, body, hash, files };
    if (!head) steps.push({ action: 'create', candidate });
    else if (options.update_existing === false) steps.push({ action: 'unchanged', kind, ref, candidate, latest });
    else if (latest?.content_hash !== candidate.hash || movedBetweenGitSources(latest.origin, options.origin)) {
      steps.push({ action: 'update', candidate, head, latest, revive: false });
    } else if (head.deleted_at !== null) steps.push({ action: 'update', candidate, head, latest, revive: true });
    else steps.push({ action: 'unchanged', kind, ref, candidate, latest });
  }
  if (options.prune === false) return steps;

  let had = 0;
  let hadWorkflows = 0;
  let prunedWorkflows = 0;
  const prunes: Step[] = [];
  for (const kind of KINDS) {
    const refs = await activeRefs(session, kind, pack.ref);
    had += refs.length;
    if (kind === 'workflow') hadWorkflows = refs.length;
    for (const ref of refs) {
      if (present.has(`${kind}:${ref}`)) continue;
      prunes.push({ action: 'prune', kind, ref });
      if (kind === 'workflow') prunedWorkflows += 1;
    }
  }
  const emptiesWorkflows = hadWorkflows > 0 && prunedWorkflows === hadWorkflows;
  const emptiesPack = had > 0 && prunes.length === had;
  if ((emptiesWorkflows || emptiesPack) && options.allow_empty !== true) {
    throw new HarmoniaError(
      'PACK_SYNC_REFUSED',
      `sync of pack '${pack.ref}' would prune ${emptiesWorkflows ? 'every workflow' : 'every definition'} it has ` +
        `(${prunes.length} refs); check the checkout, or pass allow_empty to prune them`,
      { details: { pack_ref: pack.ref, prune: prunes.map((step) => (step as { ref: string }).ref) } },
    );
  }
  await checkUses(session, pack.ref, usePlanOf(steps, prunes), alongside);
  return [...steps, ...prunes];
}

// What checkUses() needs of the plan: what this sync writes, keeps and removes.
function usePlanOf(steps: readonly Step[], prunes: readonly Step[]): UsePlan {
  const key = (step: Step) => `${keyOf(step).kind}:${keyOf(step).ref}`;
  return {
    written: steps.flatMap((step) => (step.action === 'create' || step.action === 'update' ? [{ ref: step.candidate.ref, body: step.candidate.body }] : [])),
    kept: new Set(steps.filter((step) => step.action !== 'prune' && (step.action !== 'unchanged' || step.candidate)).map(key)),
    removed: new Set(prunes.map(key)),
  };
}

/** A pack that cannot be registered at all: no manifest, or a directory name that is not a ref. */
function unregistrable(pack: ValidatedPack): Diagnostic | null {
  const badName = !REF_SEGMENT.test(pack.ref);
  if (pack.manifest && !badName) return null;
  return {
    code: badName ? 'PACK_INVALID_NAME' : 'PACK_MANIFEST_MISSING',
    severity: 'error',
    message: badName
      ? `pack directory '${pack.ref}' is not a valid ref; use lower case letters, digits and '_'`
      : `pack '${pack.ref}' has no valid pack.yaml; add one with 'ref: ${pack.ref}' and a version`,
    file: badName ? pack.dir : `${pack.dir}/pack.yaml`,
    line: 0,
    column: 0,
    end_line: 0,
    end_column: 0,
    pointer: '',
  };
}

function keyOf(step: Step): { kind: DefinitionKind; ref: string } {
  return step.action === 'create' || step.action === 'update'
    ? { kind: step.candidate.kind, ref: step.candidate.ref }
    : { kind: step.kind, ref: step.ref };
}

async function applySteps(
  tx: StoreSession,
  pack: ValidatedPack,
  steps: readonly Step[],
  origin: DefinitionOrigin,
): Promise<Map<Step, DefinitionRecord>> {
  const written = new Map<Step, DefinitionRecord>();
  if (pack.manifest) {
    const stored = await tx.registry.getPack(pack.ref);
    if (!stored || canonicalJson(stored.manifest) !== canonicalJson(pack.manifest)) {
      await tx.registry.upsertPack({ ...pack.manifest, ref: pack.ref });
    }
  }
  for (const step of steps) {
    if (step.action === 'prune') await tx.registry.markDeleted(step.kind, step.ref);
    if (step.action === 'update' && step.revive) {
      await tx.registry.setActive(step.head.kind, step.head.ref, step.head.active_version, step.head.pinned);
    } else if (step.action === 'create' || step.action === 'update') {
      const { candidate } = step;
      const record = await tx.registry.addVersion({
        kind: candidate.kind,
        ref: candidate.ref,
        pack_ref: pack.ref,
        content_hash: candidate.hash,
        body: candidate.body,
        source: candidate.file.text,
        file: candidate.file.file,
        first: step.action === 'create',
        origin,
      });
      if (candidate.files.length > 0) await tx.registry.addFiles(record.id, candidate.files);
      written.set(step, record);
    }
  }
  return written;
}

/** The version a workflow file matches after the sync (or would, in a dry run). */
function registrationOf(step: Step, written: DefinitionRecord | undefined): WorkflowRegistration | null {
  if (step.action === 'prune' || step.candidate?.kind !== 'workflow') return null;
  const { candidate } = step;
  let target: { id: string | null; version: number };
  if (written) target = written;
  else if (step.action === 'create') target = { id: null, version: 1 };
  else if (step.action === 'update' && !step.revive) target = { id: null, version: step.head.latest_version + 1 };
  else target = { id: step.latest?.id ?? null, version: step.latest?.version ?? 0 };
  return {
    ref_name: candidate.ref,
    created: step.action === 'create',
    workflow_def_id: target.id,
    version: target.version,
    warnings: candidate.file.diagnostics.filter((d) => d.severity === 'warning'),
  };
}

/**
 * Registers a validated pack's workflows, templates and actions in one transaction:
 * a changed file adds a version, an unchanged one writes nothing, a removed one is
 * pruned. Invalid files never replace what is registered.
 *
 * Thrown when the sync would prune every workflow of a pack (PACK_SYNC_REFUSED) unless
 * `allow_empty` is set.
 *
 * @example
 * const result = await registerPack(store, validated, { dry_run: true });
 * for (const entry of result.plan) console.log(entry.action, entry.ref);
 */
export async function registerPack(
  store: Store,
  pack: ValidatedPack,
  options: PackSyncOptions = {},
  /**
   * `kind:ref` keys other packs of the same dry run would register: a dry run writes
   * nothing, so what a pack uses from them would otherwise look missing.
   */
  alongside: ReadonlySet<string> = new Set(),
): Promise<PackSyncResult> {
  const errors = sortDiagnostics(pack.files.flatMap(errorsOf));
  const result: PackSyncResult = {
    pack_ref: pack.ref,
    loaded_count: pack.files.filter((file) => isDefinitionKind(file.kind)).length,
    registered_count: 0,
    workflows: [],
    errors,
    diagnostics: sortDiagnostics(pack.files.flatMap((file) => file.diagnostics)),
    plan: [],
    pruned: [],
  };
  const fatal = unregistrable(pack);
  if (fatal && errors.length === 0) {
    errors.push(fatal);
    result.diagnostics.push(fatal);
  }
  if (fatal || (errors.length > 0 && options.skip_validation_errors !== true)) return result;

  const origin = options.origin ?? { source: 'local' };
  const compute = async (session: StoreSession, write: boolean): Promise<void> => {
    const steps = await planSteps(session, pack, options, alongside);
    const written = write ? await applySteps(session, pack, steps, origin) : new Map<Step, DefinitionRecord>();
    for (const step of steps) {
      result.plan.push({ ...keyOf(step), action: step.action });
      if (step.action === 'prune') result.pruned.push(step.ref);
      if (step.action === 'create' || step.action === 'update') result.registered_count += 1;
      const registration = registrationOf(step, written.get(step));
      if (registration) result.workflows.push(registration);
    }
  };
  if (options.dry_run === true) await compute(store, false);
  else await store.transaction((tx) => compute(tx, true));
  return result;
}
