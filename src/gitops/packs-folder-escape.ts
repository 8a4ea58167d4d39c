/**
 * The followed repository's packs folder must lie inside its checkout. A commit can make
 * it (or a folder above it) a symlink, and symlinks resolve on the server's disk: followed,
 * whoever may push would have the server register, and run the scripts of, packs from any
 * host folder it can read. The per-pack checks cannot see this, since they compare against
 * the packs folder's own real path.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { HarmoniaError } from '../core/errors.js';

/**
 * Thrown when `packsPath` of the checkout in `repoDir` resolves outside it:
 * PACK_SYNC_REFUSED, `details.commit`. A packs folder that does not exist passes (the
 * sync reports an empty tree).
 */
export async function refusePacksFolderEscape(repoDir: string, packsPath: string, commit: string): Promise<void> {
  let repoReal: string;
  let packsReal: string;
  try {
    [repoReal, packsReal] = await Promise.all([realpath(repoDir), realpath(path.join(repoDir, packsPath))]);
  } catch {
    return;
  }
  const rel = path.relative(repoReal, packsReal);
  if (rel !== '' && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) {
    throw new HarmoniaError(
      'PACK_SYNC_REFUSED',
      `commit ${commit.slice(0, 7)}: the packs folder '${packsPath}' is a symlink that leads out of the repository; ` +
        'nothing was synced (commit the packs themselves instead of a link to them)',
      { details: { commit } },
    );
  }
}
