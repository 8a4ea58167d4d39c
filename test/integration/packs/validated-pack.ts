/** Hand-built pipeline results, so the registrar is tested without the parser. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { ActionDef, DefinitionKind, PackManifest, TemplateDef, WorkflowDef } from '../../../src/core/model.js';
import type { PackFileResult, ValidatedPack } from '../../../src/packs/pack-model.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const FOLDER: Record<DefinitionKind, string> = { workflow: 'workflows', template: 'templates', action: 'actions' };

export function workflowBody(description = 'does things', extra: Partial<WorkflowDef> = {}): WorkflowDef {
  return {
    version: '1.0.0',
    description,
    input: {},
    context: {},
    tasks: [{ id: 'step', action: 'core.echo', depends_on: [], input: { message: description } }],
    output: {},
    error_handlers: [],
    ...extra,
  };
}

export function templateBody(description = 'a template'): TemplateDef {
  return { version: '1.0.0', description, parameters: {}, workflow: { tasks: [] } };
}

export function actionBody(description = 'an action'): ActionDef {
  return { description, runner: 'shell', entry_point: 'run.sh', parameters: {} };
}

export function diagnostic(file: string, severity: Diagnostic['severity'] = 'error', code = 'SCHEMA_REQUIRED'): Diagnostic {
  return {
    code,
    severity,
    message: `missing key in '${file}'`,
    file,
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 2,
    pointer: '',
  };
}

/** One definition file; `body: null` with an error diagnostic is an unparseable file. */
export function file(
  pack: string,
  kind: DefinitionKind,
  name: string,
  body: WorkflowDef | TemplateDef | ActionDef | null,
  diagnostics: Diagnostic[] = [],
  text?: string,
): PackFileResult {
  const path = `${FOLDER[kind]}/${name}.yaml`;
  return {
    kind,
    ref: `${pack}.${name}`,
    file: path,
    path: `packs/${pack}/${path}`,
    text: text ?? JSON.stringify(body),
    body,
    diagnostics,
  };
}

export function manifestOf(ref: string, version = '1.0.0'): PackManifest {
  return { ref, version, dependencies: [] };
}

export function pack(ref: string, files: PackFileResult[], manifest: PackManifest | null = manifestOf(ref)): ValidatedPack {
  const manifestFile: PackFileResult = {
    kind: 'pack',
    ref: null,
    file: 'pack.yaml',
    path: `packs/${ref}/pack.yaml`,
    text: `ref: ${ref}\n`,
    body: manifest,
    diagnostics: manifest ? [] : [diagnostic(`packs/${ref}/pack.yaml`, 'error', 'PACK_MANIFEST_MISSING')],
  };
  // A real folder holding each action's script: the registrar registers the scripts with the versions.
  const dir = join(packsRoot(), ref);
  for (const entry of files) {
    const entryPoint = entry.kind === 'action' ? (entry.body as ActionDef | null)?.entry_point : undefined;
    if (entryPoint === undefined) continue;
    mkdirSync(join(dir, 'actions'), { recursive: true });
    writeFileSync(join(dir, 'actions', entryPoint), `#!/bin/sh\necho '{"ran": "${entryPoint}"}'\n`);
  }
  return { ref, dir, manifest, files: [manifestFile, ...files] };
}

let root: string | null = null;
/** One temp folder of packs per test file, removed after it. */
function packsRoot(): string {
  root ??= mkdtempSync(join(tmpdir(), 'harmonia-packs-dir-'));
  return root;
}
afterAll(() => {
  if (root !== null) rmSync(root, { recursive: true, force: true });
  root = null;
});

/** A SQLite store in its own temp dir; `cleanup` closes it and removes the dir. */
export function tempStore(): { store: Store; file: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-packs-'));
  const dbFile = join(dir, 'harmonia.db');
  const store = createSqliteStore({ file: dbFile, synchronous: 'NORMAL' });
  return {
    store,
    file: dbFile,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
