/**
 * With several git sources the engine still runs a pack's tasks from `<packs dir>/<pack>`:
 * this keeps one folder of links, one per pack, to the pack folder in the clone of the
 * source that owns it. A pack two sources claim links to the one its active versions came
 * from (the registry keeps those until the clash is resolved).
 */
import { lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { packFoldersOf, type ClaimingSource } from './pack-claims.js';

/**
 * Makes `linksDir` hold exactly one link per claimed pack. `ownerOf` names the source
 * owning a pack several sources claim (null: the first claiming source, in configuration order).
 */
export async function linkPackFolders(
  linksDir: string,
  sources: readonly ClaimingSource[],
  ownerOf: (pack: string) => Promise<string | null>,
): Promise<void> {
  const claims = new Map<string, ClaimingSource[]>();
  for (const source of sources) {
    for (const pack of await packFoldersOf(source.packsDir)) claims.set(pack, [...(claims.get(pack) ?? []), source]);
  }
  const wanted = new Map<string, string>();
  for (const [pack, claimants] of claims) {
    let owner = claimants[0];
    if (claimants.length > 1) {
      const named = await ownerOf(pack);
      owner = claimants.find((c) => c.name === named) ?? owner;
    }
    if (owner) wanted.set(pack, path.join(owner.packsDir, pack));
  }
  await mkdir(linksDir, { recursive: true });
  for (const entry of await readdir(linksDir)) {
    const at = path.join(linksDir, entry);
    const target = wanted.get(entry);
    const isLink = (await lstat(at)).isSymbolicLink();
    if (target !== undefined && isLink && (await readlink(at)) === target) {
      wanted.delete(entry);
      continue;
    }
    // Only links are ours to remove; anything else in the folder was put there by hand.
    if (isLink) await rm(at, { force: true });
  }
  for (const [pack, target] of wanted) {
    await symlink(target, path.join(linksDir, pack), 'dir').catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    });
  }
}
