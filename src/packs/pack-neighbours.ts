/**
 * What checking one pack needs from the packs next to it, without loading them all:
 * the dependencies it declares (read from pack.yaml, then loaded in full), and for the
 * other packs only their names and the refs their file names make — enough to tell
 * "not a pack" from "a pack you did not declare", without parsing their files.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { normalisePack } from './normalise-definitions.js';
import type { KnownRefs } from './pack-model.js';
import { parseYamlFile } from './parse-yaml-file.js';

/** Refs of packs next to the checked ones, from directory and file names only. */
export interface NeighbourRefs {
  packs: Set<string>;
  actions: Set<string>;
  workflows: Set<string>;
  templates: Set<string>;
}

const FOLDERS = [
  ['workflows', 'workflows'],
  ['templates', 'templates'],
  ['actions', 'actions'],
] as const;

const YAML_EXT = /\.ya?ml$/;

/** An empty NeighbourRefs. */
export function emptyNeighbourRefs(): NeighbourRefs {
  return { packs: new Set(), actions: new Set(), workflows: new Set(), templates: new Set() };
}

/**
 * The `dependencies` that `packDir`/pack.yaml declares; [] when it is missing, too large,
 * or does not parse (the pack's own validation reports that).
 */
export async function readDeclaredDependencies(packDir: string, maxFileSize: number): Promise<string[]> {
  const file = path.join(packDir, 'pack.yaml');
  try {
    if ((await stat(file)).size > maxFileSize) return [];
    const parsed = parseYamlFile(await readFile(file, 'utf8'), file);
    return parsed.ok ? normalisePack(parsed.value, path.basename(packDir)).dependencies : [];
  } catch {
    return [];
  }
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Adds the pack `packDir` (name and definition refs) to `into`. */
export async function listPackRefs(packDir: string, into: NeighbourRefs): Promise<void> {
  const ref = path.basename(packDir);
  into.packs.add(ref);
  const lists = await Promise.all(FOLDERS.map(([folder]) => names(path.join(packDir, folder))));
  FOLDERS.forEach(([, key], i) => {
    for (const name of lists[i] ?? []) if (YAML_EXT.test(name)) into[key].add(`${ref}.${name.replace(YAML_EXT, '')}`);
  });
}

/** `known` with the neighbour refs added. */
export function withNeighbours(known: Partial<KnownRefs> | undefined, extra: NeighbourRefs): Partial<KnownRefs> {
  const union = (a: ReadonlySet<string> | undefined, b: Set<string>): ReadonlySet<string> => (a && a.size > 0 ? new Set([...a, ...b]) : b);
  return {
    ...known,
    packs: union(known?.packs, extra.packs),
    actions: union(known?.actions, extra.actions),
    workflows: union(known?.workflows, extra.workflows),
    templates: union(known?.templates, extra.templates),
  };
}
