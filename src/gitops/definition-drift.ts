/**
 * Live registry against git, per definition, as Argo CD shows an application's resources:
 * for every workflow, template and action of the packs git manages, whether the active
 * version is what the checked-out commit's file holds.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DefinitionKind } from '../core/model.js';
import type { Store } from '../store/store.js';

/** Synced: the active version's text is the file's; OutOfSync: it differs; Missing: a file not registered; Extra: registered, no file. */
export type DriftState = 'Synced' | 'OutOfSync' | 'Missing' | 'Extra';

export interface DefinitionDrift {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  state: DriftState;
  /** null when nothing is registered. */
  active_version: number | null;
  /** The file in the checkout, relative to the packs folder. */
  file: string | null;
  reason?: string;
}

const FOLDERS: ReadonlyArray<{ kind: DefinitionKind; folder: string }> = [
  { kind: 'workflow', folder: 'workflows' },
  { kind: 'template', folder: 'templates' },
  { kind: 'action', folder: 'actions' },
];
const YAML = /\.ya?ml$/;
const PAGE = 500;

async function filesOf(packsDir: string, pack: string, folder: string): Promise<string[]> {
  try {
    return (await readdir(path.join(packsDir, pack, folder), { withFileTypes: true }))
      .filter((e) => e.isFile() && YAML.test(e.name))
      .map((e) => `${folder}/${e.name}`);
  } catch {
    return [];
  }
}

/** Drift of every definition of `packs`, ordered by kind and ref. */
export async function computeDrift(store: Store, packsDir: string, packs: Iterable<string>): Promise<DefinitionDrift[]> {
  const drift: DefinitionDrift[] = [];
  for (const pack of [...packs].sort()) {
    for (const { kind, folder } of FOLDERS) {
      const files = new Map((await filesOf(packsDir, pack, folder)).map((file) => [`${pack}.${path.basename(file).replace(YAML, '')}`, file]));
      for (let offset = 0; ; offset += PAGE) {
        const page = await store.registry.listActive({ kind, pack_ref: pack, limit: PAGE, offset });
        for (const record of page.items) {
          const file = files.get(record.ref) ?? null;
          files.delete(record.ref);
          const base = { kind, ref: record.ref, pack_ref: pack, active_version: record.version, file };
          if (record.origin.source === 'api') continue;
          if (file === null) {
            drift.push({ ...base, state: 'Extra', reason: 'registered, but no file in the checked-out commit holds it' });
            continue;
          }
          const text = await readFile(path.join(packsDir, pack, file), 'utf8').catch(() => null);
          if (text === record.source) drift.push({ ...base, state: 'Synced' });
          else drift.push({ ...base, state: 'OutOfSync', reason: `active version ${record.version} differs from ${file} at the checked-out commit` });
        }
        if (page.items.length < PAGE) break;
      }
      for (const [ref, file] of files) {
        drift.push({ kind, ref, pack_ref: pack, state: 'Missing', active_version: null, file, reason: 'in the checked-out commit, but not registered (invalid, or not synced yet)' });
      }
    }
  }
  return drift;
}
