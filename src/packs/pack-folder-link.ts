/**
 * A pack folder that is a symlink leading out of its packs folder is refused, as a
 * symlinked file leading out of its pack is: following it would register (and run the
 * scripts of) whatever the link points at.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { DiagnosticInput } from './rules/make-diagnostic.js';

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Why the pack folder `name` of `packsDir` may not be read, or null when it may. */
export async function packFolderLinkProblem(packsDir: string, name: string): Promise<DiagnosticInput | null> {
  const abs = path.join(packsDir, name);
  try {
    if (!(await lstat(abs)).isSymbolicLink()) return null;
    const [parentReal, real] = await Promise.all([realpath(packsDir), realpath(abs)]);
    if (isInside(parentReal, real) && real !== parentReal) return null;
    return {
      code: 'PACK_SYMLINK_ESCAPE',
      message: `pack folder '${name}' is a symlink that points outside the packs folder (to '${real}'); it was not read`,
      hint: 'move or copy the pack into the packs folder instead of linking to it',
    };
  } catch {
    return null;
  }
}
