import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { normalisePack } from '../packs/normalise-definitions.js';
import { parseYamlFile } from '../packs/parse-yaml-file.js';

/**
 * The `dependencies` of one pack as its pack.yaml on disk says — valid or not, since a
 * pack that fails validation still has dependants to re-check. [] when unreadable.
 */
export async function readPackDependencies(packDir: string): Promise<string[]> {
  const file = path.join(packDir, 'pack.yaml');
  try {
    const parsed = parseYamlFile(await readFile(file, 'utf8'), file);
    return parsed.ok ? normalisePack(parsed.value, path.basename(packDir)).dependencies : [];
  } catch {
    return [];
  }
}

/** Pack ref → declared dependencies, for every pack folder under `packsDir`. */
export async function readDependencyGraph(packsDir: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    graph.set(entry.name, await readPackDependencies(path.join(packsDir, entry.name)));
  }
  return graph;
}
