import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/** Where a path resolved to, or why it was refused. */
export type InsideResult =
  | { ok: true; path: string }
  | { ok: false; reason: 'missing' | 'outside' | 'not_directory' | 'not_file' };

/**
 * Resolves `target` against `base` and follows symlinks, so `..` and links that leave
 * `base` are caught; the result must exist and be inside (or equal to) `base`.
 */
export async function resolveInside(base: string, target: string, expect: 'directory' | 'file'): Promise<InsideResult> {
  let realBase: string;
  let real: string;
  try {
    realBase = await realpath(base);
    real = await realpath(resolve(realBase, target));
  } catch {
    return { ok: false, reason: 'missing' };
  }
  const rel = relative(realBase, real);
  if (rel.startsWith('..') || isAbsolute(rel)) return { ok: false, reason: 'outside' };
  const info = await stat(real);
  if (expect === 'directory' && !info.isDirectory()) return { ok: false, reason: 'not_directory' };
  if (expect === 'file' && !info.isFile()) return { ok: false, reason: 'not_file' };
  return { ok: true, path: real };
}
