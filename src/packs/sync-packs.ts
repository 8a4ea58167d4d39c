import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError, isHarmoniaError } from '../core/errors.js';
import type { DefinitionKind, DefinitionRecord } from '../core/model.js';
import type { Store, StoreSession } from '../store/store.js';
import type { PipelineOptions, PipelineResult, ValidatedPack } from './pack-model.js';
import { knownRefs } from '../registry/known-refs.js';
import { registerPack, type PackSyncOptions, type PackSyncResult } from './register-pack.js';
import { runPipeline } from './run-pipeline.js';
import { packFolderLinkProblem } from './pack-folder-link.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';
import { refuseDeletingUsedPack } from './check-uses.js';
import { relabeller, renamer } from './relabel-pack.js';

export type { PackSyncOptions, PackSyncResult, PlanAction, PlanEntry, WorkflowRegistration } from './register-pack.js';

/** The result of validating one pack without registering it. */
export interface PackValidationResult {
  pack_ref: string;
  /** Definition files (workflows, templates, actions) validated. */
  validated_count: number;
  /** How many refs or files have at least one error. */
  error_count: number;
  /** Error diagnostics keyed by ref (or, for pack.yaml and scripts, by file inside the pack). */
  errors: Record<string, Diagnostic[]>;
  /** Every diagnostic of the pack's files, errors and warnings, sorted: what `harmonia validate` prints. */
  diagnostics: Diagnostic[];
}

export interface PackDeleteResult {
  pack_ref: string;
  /** Refs marked deleted (their versions are kept). */
  pruned: string[];
}

export interface SyncAllResult {
  /** One result per pack directory, ordered by ref. */
  packs: PackSyncResult[];
  /** Registered packs whose directory is gone, deleted from the registry (listed only in a dry run). */
  pruned_packs: string[];
}

export interface PackSyncServiceOptions {
  store: Store;
  /** The directory holding one folder per pack. */
  packsDir: string;
  /** Options applied under each call's own. */
  defaults?: PackSyncOptions;
  /**
   * How diagnostics name the packs folder (`packs` gives `packs/ci/workflows/x.yaml`, as
   * `harmonia validate packs` prints from the repository root). @default packsDir as given
   */
  displayDir?: string;
}

/** Syncs pack folders into the registry, validates them, deletes and counts them. */
export interface PackSyncService {
  syncPack(packRef: string, options?: PackSyncOptions): Promise<PackSyncResult>;
  validatePack(packRef: string, options?: Pick<PackSyncOptions, 'max_file_size' | 'max_task_count' | 'max_workflow_size'>): Promise<PackValidationResult>;
  /**
   * Thrown (PACK_SYNC_REFUSED) when an active definition of another pack uses one of the
   * pack's definitions, or another pack declares it a dependency; `alongWith` names packs
   * deleted at the same time, whose uses do not count.
   */
  deletePack(packRef: string, options?: { alongWith?: ReadonlySet<string> }): Promise<PackDeleteResult>;
  syncAll(options?: PackSyncOptions): Promise<SyncAllResult>;
  /** Validates every pack folder without registering anything, one report per pack, ordered by ref. */
  validateAll(options?: Pick<PackSyncOptions, 'max_file_size' | 'max_task_count' | 'max_workflow_size'>): Promise<PackValidationResult[]>;
  countPackWorkflows(packRef: string): Promise<number>;
}

const KINDS: readonly DefinitionKind[] = ['workflow', 'template', 'action'];
const PAGE = 1000;

function isDefinitionFile(kind: string): boolean {
  return (KINDS as readonly string[]).includes(kind);
}

function errorsOf(list: readonly Diagnostic[]): Diagnostic[] {
  return list.filter((d) => d.severity === 'error');
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function activeOfPack(session: StoreSession, kind: DefinitionKind, pack_ref?: string): Promise<DefinitionRecord[]> {
  const items: DefinitionRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await session.registry.listActive({ kind, pack_ref, limit: PAGE, offset });
    items.push(...page.items);
    if (page.items.length < PAGE) return items;
  }
}

/**
 * Whether a registered pack came from a folder. A pack that holds only definitions
 * created through the API (POSTed workflows, template instances) never had one, so a
 * folder sync must not delete it for being absent.
 */
async function isFolderPack(session: StoreSession, pack_ref: string): Promise<boolean> {
  const items: DefinitionRecord[] = [];
  for (const kind of KINDS) items.push(...(await activeOfPack(session, kind, pack_ref)));
  return items.length === 0 || items.some((item) => item.origin.source !== 'api');
}

async function activeRefsOf(session: StoreSession, packRef: string): Promise<string[]> {
  const refs: string[] = [];
  for (const kind of KINDS) refs.push(...(await activeOfPack(session, kind, packRef)).map((item) => item.ref));
  return refs;
}

/** The pipeline's pack for `ref`; a pack it could not read at all still yields its diagnostics. */
function packOf(result: PipelineResult, ref: string, dir: string): ValidatedPack {
  const found = result.packs.find((p) => p.ref === ref);
  if (found) return found;
  return {
    ref,
    dir,
    manifest: null,
    files: [
      {
        kind: 'pack',
        ref: null,
        file: 'pack.yaml',
        path: dir,
        text: '',
        body: null,
        diagnostics: result.diagnostics.filter((d) => d.file.startsWith(dir)),
      },
    ],
  };
}

/** `kind:ref` of every definition in the packs that have no error (the ones a sync registers). */
function registrable(packs: readonly ValidatedPack[]): Set<string> {
  const keys = new Set<string>();
  for (const pack of packs) {
    if (pack.files.some((f) => errorsOf(f.diagnostics).length > 0)) continue;
    for (const file of pack.files) if (isDefinitionFile(file.kind) && file.ref !== null) keys.add(`${file.kind}:${file.ref}`);
  }
  return keys;
}

/** The pipeline limits among a sync's options. */
function limitsOf(options: PackSyncOptions): PipelineOptions {
  return {
    ...(options.max_file_size !== undefined ? { max_file_size: options.max_file_size } : {}),
    ...(options.max_task_count !== undefined ? { max_task_count: options.max_task_count } : {}),
    ...(options.max_workflow_size !== undefined ? { max_workflow_size: options.max_workflow_size } : {}),
  };
}

function refusal(error: HarmoniaError, file: string): Diagnostic {
  return {
    code: error.code,
    severity: 'error',
    message: error.message,
    file,
    line: 0,
    column: 0,
    end_line: 0,
    end_column: 0,
    pointer: '',
  };
}

/**
 * Creates the pack sync service over a packs directory and a store.
 *
 * @example
 * const packs = createPackSyncService({ store, packsDir: 'packs' });
 * const result = await packs.syncPack('ci_cd', { dry_run: true });
 */
/** One folder name, never a path: no separator, not `.` or `..`, not hidden. */
function isPlainFolderName(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

export function createPackSyncService(options: PackSyncServiceOptions): PackSyncService {
  const { store, packsDir } = options;
  const resolve = (overrides: PackSyncOptions = {}): PackSyncOptions => ({ ...options.defaults, ...overrides });

  async function packDir(packRef: string): Promise<string> {
    const dir = path.join(packsDir, packRef);
    // A folder whose name is not a valid ref is still a pack to validate (PACK_INVALID_NAME, as
    // harmonia validate says); only a name that is not one plain folder of packsDir is unknown.
    if (!isPlainFolderName(packRef) || !(await isDirectory(dir))) {
      // Named as diagnostics name it: a server never tells its clients where its files are.
      throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${packRef}'; expected a folder of that name in '${options.displayDir ?? packsDir}'`, {
        details: { pack_ref: packRef },
      });
    }
    const link = await packFolderLinkProblem(packsDir, packRef);
    if (link) {
      throw new HarmoniaError('PACK_INVALID', link.message, {
        details: { pack_ref: packRef, diagnostics: [makeDiagnostic(rename(dir), link)] },
      });
    }
    return dir;
  }

  const rename = renamer(packsDir, options.displayDir);
  const display = relabeller(rename);

  // The pack with the packs it depends on loaded from the same folder, as `harmonia
  // validate <pack>` does; refs to other packs resolve through what is registered.
  async function validated(packRef: string, pipeline: PipelineOptions): Promise<ValidatedPack> {
    const dir = await packDir(packRef);
    const result = await runPipeline([dir], pipeline);
    return display(packOf(result, packRef, dir));
  }

  async function packDirs(): Promise<string[]> {
    if (!(await isDirectory(packsDir))) {
      const exists = await stat(packsDir).then(() => true, () => false);
      throw new HarmoniaError(
        'PACK_NOT_FOUND',
        exists
          ? `packs directory '${packsDir}' is a file, not a directory; point to the folder that holds the packs`
          : `packs directory '${packsDir}' does not exist; create it or point to another`,
      );
    }
    const names = (await readdir(packsDir)).filter((name) => !name.startsWith('.')).sort();
    const dirs: string[] = [];
    for (const name of names) if (await isDirectory(path.join(packsDir, name))) dirs.push(name);
    return dirs;
  }

  const validatePack: PackSyncService['validatePack'] = async (packRef, overrides) => {
    const opts = resolve(overrides);
    const known = await knownRefs(store, new Set([packRef]));
    const pack = await validated(packRef, { ...limitsOf(opts), known });
    const errors: Record<string, Diagnostic[]> = {};
    for (const file of pack.files) {
      const found = errorsOf(file.diagnostics);
      if (found.length > 0) errors[file.ref ?? file.file] = [...(errors[file.ref ?? file.file] ?? []), ...found];
    }
    return {
      pack_ref: packRef,
      validated_count: pack.files.filter((f) => isDefinitionFile(f.kind)).length,
      error_count: Object.keys(errors).length,
      errors,
      diagnostics: sortDiagnostics(pack.files.flatMap((f) => f.diagnostics)),
    };
  };

  return {
    async syncPack(packRef, overrides) {
      const opts = resolve(overrides);
      const known = await knownRefs(store, new Set([packRef]));
      const pack = await validated(packRef, { ...limitsOf(opts), known });
      return registerPack(store, pack, opts);
    },

    validatePack,

    async deletePack(packRef, deleteOptions = {}) {
      return store.transaction(async (tx) => {
        if (!(await tx.registry.getPack(packRef))) {
          throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${packRef}'; it is not registered`, {
            details: { pack_ref: packRef },
          });
        }
        const pruned: string[] = [];
        for (const kind of KINDS) pruned.push(...(await activeOfPack(tx, kind, packRef)).map((item) => item.ref));
        await refuseDeletingUsedPack(tx, packRef, new Set(pruned), deleteOptions.alongWith ?? new Set());
        await tx.registry.deletePack(packRef);
        return { pack_ref: packRef, pruned };
      });
    },

    async validateAll(overrides) {
      const reports: PackValidationResult[] = [];
      for (const dir of await packDirs()) reports.push(await validatePack(dir, overrides));
      return reports;
    },
    async syncAll(overrides) {
      const opts = resolve(overrides);
      const dirs = await packDirs();
      const registered: string[] = [];
      for (const pack of await store.registry.listPacks()) {
        if (await isFolderPack(store, pack.ref)) registered.push(pack.ref);
      }
      const vanished = opts.prune === false ? [] : registered.filter((ref) => !dirs.includes(ref));
      if (vanished.length > 0 && vanished.length === registered.length && opts.allow_empty !== true) {
        throw new HarmoniaError(
          'PACK_SYNC_REFUSED',
          `sync of '${packsDir}' would delete every registered pack (${vanished.join(', ')}); ` +
            'check the checkout, or pass allow_empty to delete them',
          { details: { pruned_packs: vanished } },
        );
      }
      const known = await knownRefs(store, new Set([...dirs, ...vanished]));
      // The whole tree in one run, so packs in it can refer to each other.
      const tree = await runPipeline([packsDir], { ...limitsOf(opts), known });
      const pipeline = { ...tree, packs: tree.packs.map(display) };
      const results = new Map<string, PackSyncResult>();
      const alongside = opts.dry_run === true ? registrable(pipeline.packs) : new Set<string>();
      // A pack whose prune is refused because another pack still uses what it removes is
      // tried again once the others are registered: that pack may stop using it in this sync.
      let pending = dirs;
      for (let round = 0; pending.length > 0 && round <= dirs.length; round += 1) {
        const retry: string[] = [];
        let progressed = false;
        for (const ref of pending) {
          const pack = packOf(pipeline, ref, path.join(packsDir, ref));
          try {
            const result = await registerPack(store, pack, opts, alongside);
            results.set(ref, result);
            if (result.registered_count > 0 || result.pruned.length > 0) progressed = true;
          } catch (error) {
            // One refused pack must not stop the others; it is reported in its own result.
            if (!isHarmoniaError(error) || error.code !== 'PACK_SYNC_REFUSED') throw error;
            retry.push(ref);
            results.set(ref, {
              pack_ref: ref,
              loaded_count: pack.files.filter((f) => isDefinitionFile(f.kind)).length,
              registered_count: 0,
              workflows: [],
              errors: sortDiagnostics([...pack.files.flatMap((f) => errorsOf(f.diagnostics)), refusal(error, rename(pack.dir))]),
              diagnostics: sortDiagnostics([...pack.files.flatMap((f) => f.diagnostics), refusal(error, rename(pack.dir))]),
              plan: [],
              pruned: [],
            });
          }
        }
        pending = progressed && opts.dry_run !== true ? retry : [];
      }
      const packs = dirs.map((ref) => results.get(ref)).filter((r): r is PackSyncResult => r !== undefined);
      // A vanished pack that a remaining pack still uses stays registered, reported as
      // refused; packs deleted together may use each other, so refuse until none changes.
      const deleting = new Set(vanished);
      const refused = new Map<string, HarmoniaError>();
      for (let changed = true; changed; ) {
        changed = false;
        for (const ref of deleting) {
          try {
            await refuseDeletingUsedPack(store, ref, new Set(await activeRefsOf(store, ref)), deleting);
          } catch (error) {
            if (!isHarmoniaError(error) || error.code !== 'PACK_SYNC_REFUSED') throw error;
            refused.set(ref, error);
            deleting.delete(ref);
            changed = true;
          }
        }
      }
      if (deleting.size > 0 && opts.dry_run !== true) {
        await store.transaction(async (tx) => {
          for (const ref of deleting) await tx.registry.deletePack(ref);
        });
      }
      for (const [ref, error] of refused) {
        packs.push({
          pack_ref: ref,
          loaded_count: 0,
          registered_count: 0,
          workflows: [],
          errors: [refusal(error, rename(path.join(packsDir, ref)))],
          diagnostics: [refusal(error, rename(path.join(packsDir, ref)))],
          plan: [],
          pruned: [],
        });
      }
      const deleted = vanished.filter((ref) => deleting.has(ref));
      return { packs, pruned_packs: deleted };
    },

    async countPackWorkflows(packRef) {
      if (!(await store.registry.getPack(packRef))) await packDir(packRef);
      return store.registry.countByPack('workflow', packRef);
    },
  };
}
