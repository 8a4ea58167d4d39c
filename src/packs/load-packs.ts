/**
 * Reads a pack directory from disk: pack.yaml, workflows/, templates/, actions/.
 * Refuses, with a diagnostic and without reading them whole, files that are too large,
 * symlinks that leave the pack, and files that are not UTF-8 text.
 */
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceSpan } from '../core/source.js';
import { findIgnoredFiles } from './find-ignored-files.js';
import type { PackFileKind } from './pack-model.js';
import { makeDiagnostic, type DiagnosticInput } from './rules/make-diagnostic.js';
import { firstInvalidUtf8 } from '../core/utf8.js';
import { positionOfByte } from './byte-position.js';
import { SETTINGS } from '../core/settings.js';

/** Names of packs, workflows, templates and actions (the two halves of a ref). */
export const REF_SEGMENT = /^[a-z][a-z0-9_]*$/;

/** @default 1 MiB */
export const DEFAULT_MAX_FILE_SIZE = SETTINGS.max_file_size.default;

/** One file of a pack as read from disk. */
export interface LoadedFile {
  kind: PackFileKind;
  /** File name without extension (the second half of the ref). */
  name: string;
  /** Path inside the pack, forward slashes. */
  file: string;
  /** Absolute path. */
  abs: string;
  /** Path for diagnostics. */
  path: string;
  /** The text; null when the file was refused or is a script (not read). */
  text: string | null;
  diagnostics: Diagnostic[];
}

/** A pack directory as read from disk. */
export interface LoadedPack {
  /** Directory name. */
  ref: string;
  /** Absolute directory. */
  dir: string;
  /** Directory as diagnostics name it. */
  displayDir: string;
  files: LoadedFile[];
}

/** Options of loadPack(). */
export interface LoadPackOptions {
  /** How diagnostics name the pack directory. @default the absolute dir */
  displayDir?: string;
  /** @default 1048576 */
  maxFileSize?: number;
  /** Texts to use instead of the files' content on disk, by absolute path (an editor's unsaved buffers). */
  overlay?: ReadonlyMap<string, string>;
}

const FOLDERS: ReadonlyArray<{ folder: string; kind: PackFileKind }> = [
  { folder: 'workflows', kind: 'workflow' },
  { folder: 'templates', kind: 'template' },
  { folder: 'actions', kind: 'action' },
];

const YAML_EXT = /\.ya?ml$/;

function suggestName(name: string): string {
  const fixed = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_$/, '');
  return fixed === '' ? 'a_name' : fixed;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

type Checked = { ok: true; size: number } | { ok: false; diagnostic: DiagnosticInput };

async function checkEntry(abs: string, packReal: string, maxFileSize: number, file: string, maybeLink: boolean): Promise<Checked> {
  let target = abs;
  // The folder listing already says whether an entry is a plain file; lstat only the rest.
  if (maybeLink && (await lstat(abs)).isSymbolicLink()) {
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      return { ok: false, diagnostic: { code: 'PACK_SYMLINK_ESCAPE', message: `symlink '${file}' points to a file that does not exist` } };
    }
    if (!isInside(packReal, real)) {
      return {
        ok: false,
        diagnostic: {
          code: 'PACK_SYMLINK_ESCAPE',
          message: `symlink '${file}' points outside the pack (to '${real}'); it was not followed`,
          hint: 'copy the file into the pack instead of linking to it',
        },
      };
    }
    target = real;
  }
  const info = await stat(target);
  if (info.size > maxFileSize) {
    return {
      ok: false,
      diagnostic: {
        code: 'PACK_FILE_TOO_LARGE',
        message: `file '${file}' is ${info.size} bytes, more than the maximum of ${maxFileSize}; it was not read`,
        hint: 'split the file, or raise max_file_size',
      },
    };
  }
  return { ok: true, size: info.size };
}

type Decoded = { text: string } | { diagnostic: DiagnosticInput; span: SourceSpan };

function spanAt(bytes: Uint8Array, offset: number): SourceSpan {
  const { line, column } = positionOfByte(bytes, offset);
  return { line, column, end_line: line, end_column: column + 1 };
}

// The fatal decoder is the fast path; the byte scan only runs to place a refusal.
function decode(bytes: Uint8Array, file: string): Decoded {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { diagnostic: { code: 'PACK_FILE_NOT_UTF8', message: `file '${file}' is not UTF-8 text` }, span: spanAt(bytes, Math.max(0, firstInvalidUtf8(bytes))) };
  }
  if (text.includes('\u0000')) {
    return { diagnostic: { code: 'PACK_FILE_NOT_UTF8', message: `file '${file}' contains NUL bytes; it looks binary, not YAML text` }, span: spanAt(bytes, bytes.indexOf(0)) };
  }
  return { text };
}

async function readPackFile(
  pack: { dir: string; real: string; displayDir: string; overlay?: ReadonlyMap<string, string> | undefined },
  file: string,
  kind: PackFileKind,
  maxFileSize: number,
  maybeLink = true,
): Promise<LoadedFile> {
  const abs = path.join(pack.dir, file);
  const display = path.join(pack.displayDir, file);
  const base = path.basename(file);
  const name = base.replace(YAML_EXT, '');
  const loaded: LoadedFile = { kind, name, file, abs, path: display, text: null, diagnostics: [] };
  const refuse = (d: DiagnosticInput, span?: SourceSpan): LoadedFile => {
    loaded.diagnostics.push(makeDiagnostic(display, d, span));
    return loaded;
  };
  try {
    const checked = await checkEntry(abs, pack.real, maxFileSize, file, maybeLink);
    if (!checked.ok) return refuse(checked.diagnostic);
    if (kind === 'script') return loaded;
    const unsaved = pack.overlay?.get(abs);
    const decoded = unsaved !== undefined ? { text: unsaved } : decode(await readFile(abs), file);
    if ('diagnostic' in decoded) return refuse(decoded.diagnostic, decoded.span);
    loaded.text = decoded.text;
  } catch (error) {
    return refuse({ code: 'PACK_FILE_UNREADABLE', message: `cannot read '${file}': ${(error as Error).message}` });
  }
  if (kind !== 'pack' && !REF_SEGMENT.test(name)) {
    loaded.diagnostics.push(
      makeDiagnostic(display, {
        code: 'PACK_INVALID_FILE_NAME',
        message: `file name '${base}' does not make a valid ref: '${name}' must match ^[a-z][a-z0-9_]*$ (lower case letters, digits and _, starting with a letter)`,
        hint: `rename it to '${suggestName(name)}${path.extname(base)}'`,
      }),
    );
  }
  return loaded;
}

interface Listed {
  name: string;
  /** False when the listing says it is a plain file (no lstat needed). */
  maybeLink: boolean;
}

async function listFolder(dir: string): Promise<Listed[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => ({ name: e.name, maybeLink: !e.isFile() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** Files read at once (over every pack being loaded): keeps the disk busy without running out of descriptors. */
const READ_CONCURRENCY = 16;

let reading = 0;
const waiting: Array<() => void> = [];

// Runs `fn` when fewer than READ_CONCURRENCY reads are in flight in this process.
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  // A finished read hands its slot straight to the next waiter, so `reading` never overshoots.
  if (reading >= READ_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else reading += 1;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else reading -= 1;
  }
}

/** Reads one pack directory; every problem becomes a diagnostic on the file it concerns. */
export async function loadPack(dir: string, options: LoadPackOptions = {}): Promise<LoadedPack> {
  const absDir = path.resolve(dir);
  const displayDir = options.displayDir ?? absDir;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const ref = path.basename(absDir);
  let real = absDir;
  try {
    real = await realpath(absDir);
  } catch {
    // reported below as a missing pack.yaml
  }
  const pack = { dir: absDir, real, displayDir, overlay: options.overlay };
  const files: LoadedFile[] = [];
  const manifestPath = path.join(displayDir, 'pack.yaml');
  const manifestEntry = (await listFolder(absDir)).find((e) => e.name === 'pack.yaml');
  if (manifestEntry) {
    files.push(await readPackFile(pack, 'pack.yaml', 'pack', maxFileSize, manifestEntry.maybeLink));
  } else {
    files.push({
      kind: 'pack',
      name: 'pack',
      file: 'pack.yaml',
      abs: path.join(absDir, 'pack.yaml'),
      path: manifestPath,
      text: null,
      diagnostics: [
        makeDiagnostic(manifestPath, {
          code: 'PACK_MANIFEST_MISSING',
          message: `pack '${ref}' has no pack.yaml`,
          hint: `create ${manifestPath} with at least 'ref: ${ref}' and 'version: 1.0.0'`,
        }),
      ],
    });
  }
  const manifest = files[0];
  if (manifest && !REF_SEGMENT.test(ref)) {
    manifest.diagnostics.push(
      makeDiagnostic(manifest.path, {
        code: 'PACK_INVALID_NAME',
        message: `pack directory name '${ref}' must match ^[a-z][a-z0-9_]*$ (lower case letters, digits and _, starting with a letter)`,
        hint: `rename the directory to '${suggestName(ref)}'`,
      }),
    );
  }
  // Files in listing order; the reads run a few at a time.
  const reads: Array<LoadedFile | { file: string; kind: PackFileKind; maybeLink: boolean }> = [];
  for (const { folder, kind } of FOLDERS) {
    const folderAbs = path.join(absDir, folder);
    try {
      const folderReal = await realpath(folderAbs);
      if (!isInside(real, folderReal)) {
        reads.push({
          kind,
          name: folder,
          file: folder,
          abs: folderAbs,
          path: path.join(displayDir, folder),
          text: null,
          diagnostics: [
            makeDiagnostic(path.join(displayDir, folder), {
              code: 'PACK_SYMLINK_ESCAPE',
              message: `folder '${folder}' is a symlink that points outside the pack; it was not read`,
            }),
          ],
        });
        continue;
      }
    } catch {
      continue;
    }
    for (const { name, maybeLink } of await listFolder(folderAbs)) {
      const yaml = YAML_EXT.test(name);
      if (!yaml && kind !== 'action') continue;
      reads.push({ file: `${folder}/${name}`, kind: yaml ? kind : 'script', maybeLink });
    }
  }
  const [read, ignored] = await Promise.all([
    Promise.all(reads.map((r) => ('path' in r ? r : limited(() => readPackFile(pack, r.file, r.kind, maxFileSize, r.maybeLink))))),
    findIgnoredFiles(absDir, displayDir),
  ]);
  for (const file of read) files.push(file);
  // Files are what diagnostics hang on; what the loader skipped is the pack's, so its manifest's.
  manifest?.diagnostics.push(...ignored);
  return { ref, dir: absDir, displayDir, files };
}
