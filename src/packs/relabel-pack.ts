/**
 * Diagnostics name files as the user knows them: the packs folder by its name
 * (`packs/ci/workflows/x.yaml`), never by a server's absolute path.
 */
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ValidatedPack } from './pack-model.js';

/** Renames the packs folder in a path. */
export function renamer(packsDir: string, displayDir: string | undefined): (file: string) => string {
  if (displayDir === undefined) return (file) => file;
  const from = path.normalize(packsDir);
  return (file) => (file === from || file.startsWith(from + path.sep) ? path.join(displayDir, path.relative(from, file)) : file);
}

/** Renames the packs folder in a pack's paths (files, diagnostics, related locations). */
export function relabeller(rename: (file: string) => string): (pack: ValidatedPack) => ValidatedPack {
  const diagnostic = (d: Diagnostic): Diagnostic => ({
    ...d,
    file: rename(d.file),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, file: rename(r.file) })) } : {}),
  });
  return (pack) => ({
    ...pack,
    files: pack.files.map((f) => ({ ...f, path: rename(f.path), diagnostics: f.diagnostics.map(diagnostic) })),
  });
}
