/**
 * Workflows and templates sent to the API go through the same pipeline as pack
 * files, so they get the same diagnostics as `harmonia validate`: the body is
 * written as a file of a one-file pack in a temp folder, validated there, then
 * registered (origin `api`) without touching the pack's other definitions.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError, isHarmoniaError } from '../core/errors.js';
import type { DefinitionRecord, PackManifest, WorkflowDef } from '../core/model.js';
import { contentHash } from '../packs/content-hash.js';
import { registerPack } from '../packs/register-pack.js';
import { workflowCallsOf } from '../packs/workflow-calls.js';
import { validatePackDir } from '../packs/run-pipeline.js';
import { knownRefs } from '../registry/known-refs.js';
import type { Store } from '../store/store.js';

export interface IntakeOptions {
  store: Store;
  kind: 'workflow' | 'template';
  /** The file text as sent (JSON is YAML, so both go through the YAML parser). */
  text: string;
  pack_ref: string;
  /** Ref name; when absent, taken from the body's `name`. */
  name?: string;
  max_file_size: number;
  max_task_count: number;
  /** The pack used for API definitions, created on first use. */
  api_pack: string;
  /**
   * `create` refuses a ref that exists with another body (WORKFLOW_EXISTS / TEMPLATE_EXISTS:
   * two display names can map to one ref) and answers an identical body unchanged, so a
   * retried create is safe; `update` adds a version to a ref created through the API.
   */
  mode: 'create' | 'update';
}

export interface IntakeResult {
  record: DefinitionRecord;
  changed: boolean;
  created: boolean;
  diagnostics: Diagnostic[];
}

const REF_PART = /^[a-z][a-z0-9_]*$/;
const FOLDER = { workflow: 'workflows', template: 'templates' } as const;
const INVALID = { workflow: 'WORKFLOW_INVALID', template: 'TEMPLATE_INVALID' } as const;
const EXISTS = { workflow: 'WORKFLOW_EXISTS', template: 'TEMPLATE_EXISTS' } as const;

/** A ref name from a display name: `Data Processing Pipeline` → `data_processing_pipeline`. */
export function refNameOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (slug === '') return '';
  return /^[a-z]/.test(slug) ? slug.slice(0, 100) : `w_${slug}`.slice(0, 100);
}

/** Validates and registers one workflow or template body. Thrown with details.diagnostics (422) when invalid. */
export async function intakeDefinition(options: IntakeOptions): Promise<IntakeResult> {
  const manifest = await manifestFor(options);
  const provisional = options.name !== undefined ? refNameOf(options.name) : 'incoming';
  if (provisional === '' || !REF_PART.test(provisional)) {
    throw new HarmoniaError('REQUEST_INVALID', `name '${options.name ?? ''}' gives no valid ref; use letters, digits and '_'`);
  }
  const root = await mkdtemp(join(tmpdir(), 'harmonia-intake-'));
  try {
    const dir = join(root, options.pack_ref);
    await mkdir(join(dir, FOLDER[options.kind]), { recursive: true });
    await writeFile(join(dir, 'pack.yaml'), `${JSON.stringify(manifest, null, 2)}\n`);
    const known = await knownRefs(options.store);
    // Validated as a file of the API pack named `as`: rules that read the file's own ref
    // (an after-trigger naming it) need the name it is registered under.
    // `final` false: errors are handed back, not thrown, for a check again under the body's name.
    const validateAs = async (as: string, previous?: string, final = true) => {
      if (previous !== undefined) await rm(join(dir, FOLDER[options.kind], `${previous}.yaml`), { force: true });
      await writeFile(join(dir, FOLDER[options.kind], `${as}.yaml`), options.text);
      const validated = await validatePackDir(dir, {
        displayRoot: options.pack_ref,
        max_file_size: options.max_file_size,
        // The pipeline's own check, so the refusal points at the file's `tasks:` as harmonia validate's does.
        max_task_count: options.max_task_count,
        max_workflow_size: options.max_file_size,
        known,
      });
      const found = validated.files.find((f) => f.kind === options.kind);
      // API definitions arrive one at a time, as packs synced apart do: an after-trigger may
      // wait for one sent later (or for itself, under the name the body gives it below).
      for (const f of validated.files) f.diagnostics = f.diagnostics.filter((d) => d.code !== 'TRIGGER_UNKNOWN_WORKFLOW');
      const diagnostics = validated.files.flatMap((f) => f.diagnostics);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const tooMany = errors.find((d) => d.code === 'WORKFLOW_TOO_MANY_TASKS');
      if (tooMany) throw tooManyTasks(INVALID[options.kind], tooMany, diagnostics, found?.body, options.max_task_count);
      const refusal =
        !found || errors.length > 0 || found.body === null
          ? new HarmoniaError(INVALID[options.kind], `${options.kind} is invalid: ${errors[0]?.message ?? 'it could not be read'}`, {
              details: { diagnostics },
            })
          : null;
      if (refusal !== null && (final || !found || found.body === null)) throw refusal;
      return { pack: validated, file: found as NonNullable<typeof found>, refusal };
    };
    let { pack, file, refusal } = await validateAs(provisional, undefined, options.name !== undefined);

    let name = provisional;
    if (options.name === undefined) {
      const bodyName = (file.body as { name?: unknown }).name;
      name = typeof bodyName === 'string' ? refNameOf(bodyName) : '';
      if (name === '') {
        // The file's own errors come first, as before its name was read.
        if (refusal !== null) throw refusal;
        throw new HarmoniaError('REQUEST_INVALID', `the ${options.kind} has no 'name'; add one to the body or pass ?name=`);
      }
      // Only the body's name gives its ref: a body whose after-trigger names that ref, or that
      // starts a workflow of its pack (itself, or a ring back to it: WORKFLOW_RECURSION), is
      // checked again under it, for the verdict harmonia validate gives the file.
      const body = options.kind === 'workflow' ? (file.body as WorkflowDef) : null;
      const triggers = Object.values(body?.triggers ?? {});
      const own = `${options.pack_ref}.`;
      if (
        name !== provisional &&
        (triggers.some((trigger) => trigger.after?.workflow === `${options.pack_ref}.${name}`) || workflowCallsOf(body).some((call) => call.startsWith(own)))
      ) {
        ({ pack, file, refusal } = await validateAs(name, provisional));
      }
    }
    if (refusal !== null) throw refusal;
    const ref = `${options.pack_ref}.${name}`;
    const hash = contentHash(file.body);
    const existsError = (found: DefinitionRecord): HarmoniaError => {
      const how = options.kind === 'workflow' ? `update it with PUT /api/v1/workflows/${ref}, or choose another name` : 'choose another name';
      return new HarmoniaError(EXISTS[options.kind], `${options.kind} '${ref}' already exists${options.name !== undefined ? ` (the name '${options.name}' maps to it)` : ''}; ${how}`, {
        details: { ref, existing_id: found.id, existing_version: found.version, ...(options.name !== undefined ? { name: options.name } : {}) },
      });
    };
    // The head first: a create that finds none is written as the ref's first version, which
    // fails rather than becoming a later version of one another create made meanwhile (two
    // creates racing, on one node or two). One that finds a head compares with its active version.
    const head = await options.store.registry.getHead(options.kind, ref);
    const fresh = options.mode === 'create' && head === null;
    const existing = head === null ? null : await options.store.registry.getActive(options.kind, ref);
    if (options.mode === 'create' && existing !== null && existing.content_hash !== hash) throw existsError(existing);
    if (existing !== null && existing.origin.source !== 'api') {
      throw new HarmoniaError('STORE_CONFLICT', `${options.kind} '${ref}' comes from pack files; change it in its pack, or use another name`, {
        details: { ref },
      });
    }
    const renamed = { ...file, ref, file: `${FOLDER[options.kind]}/${name}.yaml` };
    let registered = 0;
    try {
      const result = await registerPack(options.store, { ...pack, files: [...pack.files.filter((f) => f.kind === 'pack'), renamed] }, {
        prune: false,
        origin: { source: 'api' },
        ...(fresh ? { update_existing: false } : {}),
      });
      registered = result.registered_count;
    } catch (error) {
      // On PostgreSQL two creates can both insert version 1: the store's key lets one win.
      if (!(fresh && isHarmoniaError(error) && error.code === 'STORE_CONFLICT')) throw error;
    }
    const record = await options.store.registry.getActive(options.kind, ref);
    if (record === null) throw new HarmoniaError('INTERNAL', `${options.kind} '${ref}' was not registered`);
    if (fresh && record.content_hash !== hash) throw existsError(record);
    return {
      record,
      changed: registered > 0,
      created: existing === null && registered > 0,
      diagnostics: pack.files.flatMap((f) => f.diagnostics).filter((d) => d.severity !== 'error'),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// The API's refusal names the limit and the counts in its details, beside the diagnostics.
function tooManyTasks(code: (typeof INVALID)[keyof typeof INVALID], diagnostic: Diagnostic, diagnostics: Diagnostic[], body: unknown, max: number): HarmoniaError {
  const tasks = (body as { tasks?: unknown } | null | undefined)?.tasks;
  const actual = Array.isArray(tasks) ? tasks.length : undefined;
  return new HarmoniaError(code, diagnostic.message, {
    details: { diagnostics, limit: 'HARMONIA_MAX_TASK_COUNT', max, ...(actual === undefined ? {} : { actual }) },
  });
}

/**
 * The manifest the one-file pack is validated under: the registered one, or for
 * the API pack a fresh one that may use every other registered pack.
 */
async function manifestFor(options: IntakeOptions): Promise<PackManifest> {
  const stored = await options.store.registry.getPack(options.pack_ref);
  if (options.pack_ref !== options.api_pack) {
    if (stored === null) throw new HarmoniaError('PACK_NOT_FOUND', `pack '${options.pack_ref}' is not registered`);
    return stored.manifest;
  }
  const others = (await options.store.registry.listPacks()).map((p) => p.ref).filter((ref) => ref !== options.api_pack);
  return {
    ref: options.api_pack,
    label: stored?.manifest.label ?? 'API',
    version: stored?.manifest.version ?? '1.0.0',
    description: stored?.manifest.description ?? 'Definitions created through the REST API',
    dependencies: others.sort(),
  };
}

/** Registers the API pack when it is not yet (templates instantiate into it). */
export async function ensureApiPack(store: Store, apiPack: string): Promise<void> {
  if ((await store.registry.getPack(apiPack)) !== null) return;
  await store.registry.upsertPack({
    ref: apiPack,
    label: 'API',
    version: '1.0.0',
    description: 'Definitions created through the REST API',
    dependencies: [],
  });
}

