/**
 * Which packs each git source claims: the pack folders its checkout holds now. Read from
 * the clones on disk, so every node — the one leading a source's polling or one following
 * it — sees the same claims, and a restart remembers them.
 */
import { readdir } from 'node:fs/promises';

/** A source as the claims see it: its name and the packs folder of its clone. */
export interface ClaimingSource {
  name: string;
  packsDir: string;
}

/** The pack folders of one checkout (hidden folders are never packs). */
export async function packFoldersOf(packsDir: string): Promise<string[]> {
  try {
    const entries = await readdir(packsDir, { withFileTypes: true });
    return entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    // No clone yet (or no packs folder in it): the source claims nothing.
    return [];
  }
}

/** Packs the sources other than `self` claim, each with the names of the sources claiming it. */
export async function claimsOfOthers(sources: readonly ClaimingSource[], self: string): Promise<Map<string, string[]>> {
  const claims = new Map<string, string[]>();
  for (const source of sources) {
    if (source.name === self) continue;
    for (const pack of await packFoldersOf(source.packsDir)) claims.set(pack, [...(claims.get(pack) ?? []), source.name]);
  }
  return claims;
}
