/**
 * PACK_FILE_IGNORED (warning): what sits in a pack but is never read — YAML in a folder the
 * loader does not know (`workflow/`, `Workflows/`), workflows in sub-folders, definitions
 * with another extension. Left unsaid, such a file is neither checked nor synced, and the
 * user believes it is both.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';
import { isEditorTempFile } from './editor-temp-files.js';

const KNOWN_FOLDERS = ['workflows', 'templates', 'actions'];
const YAML = /\.ya?ml$/;
const YAML_ANY_CASE = /\.ya?ml$/i;

interface Entry {
  name: string;
  dir: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.') && !isEditorTempFile(e.name))
      .map((e) => ({ name: e.name, dir: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

async function yamlCount(dir: string): Promise<number> {
  return (await list(dir)).filter((e) => !e.dir && YAML_ANY_CASE.test(e.name)).length;
}

/** Warnings for the files and folders of a pack that the loader skips. */
export async function findIgnoredFiles(absDir: string, displayDir: string): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const warn = (rel: string, message: string, hint: string) =>
    found.push(makeDiagnostic(path.join(displayDir, rel), { code: 'PACK_FILE_IGNORED', severity: 'warning', message, hint }));
  for (const entry of await list(absDir)) {
    if (entry.dir) {
      if (KNOWN_FOLDERS.includes(entry.name)) continue;
      const count = await yamlCount(path.join(absDir, entry.name));
      if (count === 0) continue;
      warn(
        entry.name,
        `folder '${entry.name}/' is not read: only workflows/, templates/ and actions/ are, so its ${count} YAML file${count === 1 ? ' is' : 's are'} neither checked nor synced`,
        didYouMean(entry.name, KNOWN_FOLDERS) ?? 'move the files into workflows/, templates/ or actions/',
      );
    } else if (YAML_ANY_CASE.test(entry.name) && entry.name !== 'pack.yaml') {
      warn(
        entry.name,
        `file '${entry.name}' is not read: the pack's manifest is pack.yaml, and definitions live in workflows/, templates/ or actions/`,
        /^pack\.ya?ml$/i.test(entry.name) ? "rename it to 'pack.yaml'" : 'move it into workflows/, templates/ or actions/',
      );
    }
  }
  for (const folder of ['workflows', 'templates']) {
    for (const entry of await list(path.join(absDir, folder))) {
      const rel = `${folder}/${entry.name}`;
      if (entry.dir) {
        const count = await yamlCount(path.join(absDir, rel));
        if (count === 0) continue;
        warn(rel, `folder '${rel}/' is not read: ${folder} are not looked for in sub-folders, so its ${count} YAML file${count === 1 ? ' is' : 's are'} neither checked nor synced`, `move the files up into ${folder}/`);
      } else if (!YAML.test(entry.name) && !/\.(md|txt)$/i.test(entry.name)) {
        const stem = entry.name.replace(/\.[^.]*$/, '');
        warn(rel, `file '${rel}' is not read: only .yaml and .yml files are`, `rename it to '${stem}.yaml' if it is a definition`);
      }
    }
  }
  return found;
}
