/**
 * What the assistant tells the model about a pack: its actions, templates and
 * workflows with their parameters, read through the one validation pipeline, and a
 * candidate workflow file checked in the pack's context without touching the disk.
 */
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ActionDef, ParameterSpec, TemplateDef, WorkflowDef } from '../core/model.js';
import { DEFAULT_MAX_FILE_SIZE, loadPack, type LoadedPack } from '../packs/load-packs.js';
import { makeDiagnostic } from '../packs/rules/make-diagnostic.js';
import type { KnownRefs } from '../packs/pack-model.js';
import { validateLoadedPacks } from '../packs/validate-packs.js';

/** One definition the model may use. */
export interface CatalogueEntry {
  ref: string;
  description?: string;
  parameters: Record<string, ParameterSpec>;
}

export interface PackCatalogue {
  pack: string;
  actions: CatalogueEntry[];
  templates: CatalogueEntry[];
  workflows: CatalogueEntry[];
}

/** Reads a pack folder once; `catalogue` lists it, `check` validates a candidate file next to its files. */
export interface LoadedPackContext {
  catalogue: PackCatalogue;
  /** Names already taken by a workflow file of the pack. */
  workflow_names: ReadonlySet<string>;
  /** Diagnostics of `text` as `workflows/<name>.yaml` of this pack. */
  check(name: string, text: string): Promise<Diagnostic[]>;
}

/** Loads a pack directory for drafting. `displayDir` names it in diagnostics. */
export async function loadPackContext(
  dir: string,
  options: { displayDir?: string; known?: Partial<KnownRefs>; max_file_size?: number } = {},
): Promise<LoadedPackContext> {
  const loaded = await loadPack(dir, options.displayDir === undefined ? {} : { displayDir: options.displayDir });
  const [entry] = await validateLoadedPacks([loaded], options.known);
  const catalogue: PackCatalogue = { pack: loaded.ref, actions: [], templates: [], workflows: [] };
  // Every workflow file counts, valid or not: a draft must never overwrite one by accident.
  const names = new Set(loaded.files.filter((f) => f.kind === 'workflow').map((f) => f.name));
  for (const file of entry?.files ?? []) {
    if (file.ref === null || file.body === null) continue;
    if (file.loaded.kind === 'action') {
      const body = file.body as ActionDef;
      catalogue.actions.push({ ref: file.ref, ...describe(body.description), parameters: body.parameters });
    } else if (file.loaded.kind === 'template') {
      const body = file.body as TemplateDef;
      catalogue.templates.push({ ref: file.ref, ...describe(body.description), parameters: body.parameters });
    } else if (file.loaded.kind === 'workflow') {
      const body = file.body as WorkflowDef;
      catalogue.workflows.push({ ref: file.ref, ...describe(body.description), parameters: body.input });
    }
  }
  return {
    catalogue,
    workflow_names: names,
    check: (name, text) => checkCandidate(loaded, name, text, options.known, options.max_file_size ?? DEFAULT_MAX_FILE_SIZE),
  };
}

function describe(description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description };
}

async function checkCandidate(
  pack: LoadedPack,
  name: string,
  text: string,
  known: Partial<KnownRefs> | undefined,
  maxFileSize: number,
): Promise<Diagnostic[]> {
  const file = `workflows/${name}.yaml`;
  const display = path.join(pack.displayDir, file);
  // The loader would refuse such a file unread; so does the draft check.
  if (Buffer.byteLength(text) > maxFileSize) {
    return [makeDiagnostic(display, { code: 'PACK_FILE_TOO_LARGE', message: `the draft is larger than ${maxFileSize} bytes; write a shorter workflow` })];
  }
  // The candidate replaces a same-named file, as writing it would.
  const others = pack.files.filter((f) => !(f.kind === 'workflow' && f.name === name));
  const candidate = { kind: 'workflow' as const, name, file, abs: path.join(pack.dir, file), path: display, text, diagnostics: [] };
  const [entry] = await validateLoadedPacks([{ ...pack, files: [...others, candidate] }], known);
  return entry?.files.find((f) => f.loaded.path === display)?.diagnostics ?? [];
}
