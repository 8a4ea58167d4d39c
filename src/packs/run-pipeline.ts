/**
 * The pipeline's entry point: load → parse → validate for packs dirs, single pack dirs,
 * or single files inside a pack. The CLI, the registrar, the REST endpoints and the
 * watcher all call it and get the same Diagnostics.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_MAX_FILE_SIZE, loadPack, REF_SEGMENT } from './load-packs.js';
import { emptyNeighbourRefs, listPackRefs, readDeclaredDependencies, withNeighbours, type NeighbourRefs } from './pack-neighbours.js';
import type { PackFileResult, PipelineOptions, PipelineResult, ValidatedPack } from './pack-model.js';
import { packFolderLinkProblem } from './pack-folder-link.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';
import type { PackEntry } from './rules/rule-context.js';
import { validateLoadedPacks, type ValidationLimits } from './validate-packs.js';

/** Options of validatePackDir(). */
export interface ValidatePackDirOptions extends PipelineOptions {
  /** How diagnostics name the pack directory, e.g. `packs/ci`. @default `dir` as given */
  displayRoot?: string;
}

interface Target {
  abs: string;
  display: string;
  /** Absolute paths of the files (or folders) to report; null for every file. */
  only: Set<string> | null;
  reported: boolean;
}

const PACK_FOLDERS = ['workflows', 'templates', 'actions'];

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries.filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink())).map((e) => e.name);
    const isDirs = await Promise.all(names.map((name) => isDir(path.join(dir, name))));
    return names.filter((_, i) => isDirs[i]).sort();
  } catch {
    return [];
  }
}

async function isPackDir(dir: string): Promise<boolean> {
  if (await exists(path.join(dir, 'pack.yaml'))) return true;
  for (const folder of PACK_FOLDERS) if (await isDir(path.join(dir, folder))) return true;
  return false;
}

async function findPackOf(fileAbs: string): Promise<string | null> {
  let dir = path.dirname(fileAbs);
  for (let depth = 0; depth < 3; depth++) {
    if (await exists(path.join(dir, 'pack.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function addTarget(targets: Map<string, Target>, next: Target): void {
  const current = targets.get(next.abs);
  if (!current) {
    targets.set(next.abs, next);
    return;
  }
  if (!next.reported) return;
  if (!current.reported) {
    targets.set(next.abs, next);
    return;
  }
  if (current.only === null || next.only === null) current.only = null;
  else next.only.forEach((f) => current.only?.add(f));
}

// A named pack's dependencies are loaded too (not reported), transitively, so refs into
// them resolve and are checked against their definitions. The other packs next to it
// are not loaded: `neighbours` records the folders whose pack names and file-name refs
// are listed later, so a use of an undeclared pack still says so.
async function addDependencies(
  targets: Map<string, Target>,
  packAbs: string,
  packDisplay: string,
  resolve: Resolve,
): Promise<void> {
  const parentAbs = path.dirname(packAbs);
  const parentDisplay = path.dirname(packDisplay);
  resolve.neighbours.add(parentAbs);
  const queue = [packAbs];
  const seen = new Set<string>(queue);
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const dep of await readDeclaredDependencies(current, resolve.maxFileSize)) {
      // Only plain names: a dependency is a folder next to the pack, never a path.
      if (!REF_SEGMENT.test(dep)) continue;
      const abs = path.join(parentAbs, dep);
      if (seen.has(abs)) continue;
      seen.add(abs);
      if (!(await exists(path.join(abs, 'pack.yaml')))) continue;
      addTarget(targets, { abs, display: path.join(parentDisplay, dep), only: null, reported: false });
      queue.push(abs);
    }
  }
}

// Validating nothing must never pass: a wrong path, a wrong packs folder or a command run
// from the wrong folder would otherwise print "0 files valid" and exit 0.
function nothingIn(display: string, given: string): Diagnostic {
  return makeDiagnostic(display, {
    code: 'PACK_NOTHING_TO_VALIDATE',
    message: `folder '${given}' holds no pack: no sub-folder with a pack.yaml, and no pack.yaml, workflows/, templates/ or actions/ of its own`,
    hint: 'pass the packs folder (the one holding one folder per pack), a pack, or files inside a pack',
  });
}

interface Resolve {
  /** Where relative paths are read from. */
  cwd: string;
  maxFileSize: number;
  /** Folders whose packs that are not loaded are listed by name. */
  neighbours: Set<string>;
}

// The packs in `neighbours` folders that the run does not load, by name only.
async function listNeighbours(resolve: Resolve, targets: ReadonlyMap<string, Target>): Promise<NeighbourRefs> {
  const refs = emptyNeighbourRefs();
  for (const parentAbs of resolve.neighbours) {
    const others = (await subdirs(parentAbs)).map((name) => path.join(parentAbs, name)).filter((abs) => !targets.has(abs));
    const packs = await Promise.all(others.map(async (abs) => ((await exists(path.join(abs, 'pack.yaml'))) ? abs : null)));
    await Promise.all(packs.map((abs) => (abs === null ? undefined : listPackRefs(abs, refs))));
  }
  return refs;
}

async function resolveTargets(paths: readonly string[], problems: Diagnostic[], resolve: Resolve): Promise<Map<string, Target>> {
  const targets = new Map<string, Target>();
  for (const given of paths) {
    const abs = path.resolve(resolve.cwd, given);
    const display = path.normalize(given);
    if (!(await exists(abs))) {
      problems.push(makeDiagnostic(display, { code: 'PACK_PATH_NOT_FOUND', message: `path '${given}' does not exist` }));
      continue;
    }
    const enclosing = path.dirname(abs);
    if ((await isDir(abs)) && !(await isPackDir(abs)) && (await exists(path.join(enclosing, 'pack.yaml')))) {
      // A folder inside a pack (`packs/ci/workflows`): load the pack, report that folder.
      const packDisplay = path.normalize(path.join(display, '..'));
      addTarget(targets, { abs: enclosing, display: packDisplay, only: new Set([abs]), reported: true });
      await addDependencies(targets, enclosing, packDisplay, resolve);
      continue;
    }
    if (await isDir(abs)) {
      if (await isPackDir(abs)) {
        addTarget(targets, { abs, display, only: null, reported: true });
        await addDependencies(targets, abs, display, resolve);
      } else {
        const names = await subdirs(abs);
        if (names.length === 0) problems.push(nothingIn(display, given));
        for (const name of names) {
          const link = await packFolderLinkProblem(abs, name);
          if (link) {
            problems.push(makeDiagnostic(path.join(display, name), link));
            continue;
          }
          addTarget(targets, { abs: path.join(abs, name), display: path.join(display, name), only: null, reported: true });
        }
      }
      continue;
    }
    const packAbs = await findPackOf(abs);
    if (!packAbs) {
      problems.push(
        makeDiagnostic(display, {
          code: 'PACK_PATH_NOT_FOUND',
          message: `file '${given}' is not inside a pack (no pack.yaml in its folder or the two above)`,
        }),
      );
      continue;
    }
    const packDisplay = path.normalize(path.join(path.dirname(display), path.relative(path.dirname(abs), packAbs)));
    addTarget(targets, { abs: packAbs, display: packDisplay, only: new Set([abs]), reported: true });
    await addDependencies(targets, packAbs, packDisplay, resolve);
  }
  return targets;
}

function limitsOf(options: PipelineOptions): ValidationLimits {
  return {
    ...(options.max_task_count !== undefined ? { max_task_count: options.max_task_count } : {}),
    ...(options.max_workflow_size !== undefined ? { max_workflow_size: options.max_workflow_size } : {}),
  };
}

function toValidatedPack(entry: PackEntry, only: Set<string> | null): ValidatedPack {
  const files: PackFileResult[] = entry.files
    .filter((f) => only === null || [...only].some((p) => f.loaded.abs === p || f.loaded.abs.startsWith(p + path.sep)))
    .map((f) => ({
      kind: f.loaded.kind,
      ref: f.ref,
      file: f.loaded.file,
      path: f.loaded.path,
      text: f.loaded.text ?? '',
      body: f.body,
      diagnostics: sortDiagnostics(f.diagnostics),
    }));
  return { ref: entry.ref, dir: entry.dir, manifest: entry.manifest, files };
}

/**
 * Validates packs: `paths` may name a packs dir, a pack dir, or files inside a pack
 * (the whole pack and, transitively, the packs its pack.yaml depends on are loaded so
 * refs resolve; other packs next to it count by name only; only the named files are reported).
 * Diagnostic paths are relative to the working directory when the input was relative.
 * @example const { diagnostics } = await runPipeline(['packs'], { known })
 */
export async function runPipeline(paths: readonly string[], options: PipelineOptions = {}): Promise<PipelineResult> {
  const problems: Diagnostic[] = [];
  const maxFileSize = options.max_file_size;
  const resolve: Resolve = { cwd: options.cwd ?? process.cwd(), maxFileSize: maxFileSize ?? DEFAULT_MAX_FILE_SIZE, neighbours: new Set() };
  const targetMap = await resolveTargets(paths, problems, resolve);
  const targets = [...targetMap.values()];
  const [loaded, neighbours] = await Promise.all([
    Promise.all(
      targets.map((t) =>
        loadPack(t.abs, {
          displayDir: t.display,
          ...(maxFileSize !== undefined ? { maxFileSize } : {}),
          ...(options.overlay ? { overlay: options.overlay } : {}),
        }),
      ),
    ),
    listNeighbours(resolve, targetMap),
  ]);
  const known = resolve.neighbours.size > 0 ? withNeighbours(options.known, neighbours) : options.known;
  const entries = await validateLoadedPacks(loaded, known, limitsOf(options));
  const packs: ValidatedPack[] = [];
  let fileCount = 0;
  targets.forEach((target, i) => {
    const entry = entries[i];
    if (!target.reported || !entry) return;
    const pack = toValidatedPack(entry, target.only);
    packs.push(pack);
    fileCount += pack.files.filter((f) => f.text !== '').length;
  });
  if (paths.length === 0) problems.push(nothingIn('.', '.'));
  const diagnostics = sortDiagnostics([...problems, ...packs.flatMap((p) => p.files.flatMap((f) => f.diagnostics))]);
  return { packs, diagnostics, file_count: fileCount };
}

/**
 * Validates one pack directory on its own (the registrar's per-pack gate): cross-pack
 * refs resolve only through `options.known`.
 */
export async function validatePackDir(dir: string, options: ValidatePackDirOptions = {}): Promise<ValidatedPack> {
  const maxFileSize = options.max_file_size;
  const loaded = await loadPack(dir, {
    displayDir: options.displayRoot ?? dir,
    ...(maxFileSize !== undefined ? { maxFileSize } : {}),
  });
  const [entry] = await validateLoadedPacks([loaded], options.known, limitsOf(options));
  if (!entry) throw new Error(`pack '${dir}' produced no result`);
  return toValidatedPack(entry, null);
}
