/** Test helper: writes a pack tree into a temp dir and validates it. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { PipelineOptions } from '../../../src/packs/pack-model.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';

export const PACK_YAML = 'ref: demo\nversion: 1.0.0\n';

/** Writes `files` (paths relative to the packs dir) under a fresh temp dir. */
export async function writeTree(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'harmonia-packs-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, 'packs', rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return root;
}

/** Removes a tree made by writeTree(). */
export async function removeTree(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** A diagnostic with its file relative to the packs dir, for compact assertions. */
export interface ShortDiagnostic {
  code: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
  pointer: string;
  hint?: string;
  related?: Diagnostic['related'];
}

/** Validates a tree of files and returns its diagnostics with short paths. */
export async function validateTree(files: Record<string, string | Uint8Array>, options: PipelineOptions = {}): Promise<ShortDiagnostic[]> {
  const root = await writeTree(files);
  try {
    const packs = path.join(root, 'packs');
    const result = await runPipeline([packs], options);
    return result.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      file: path.relative(packs, d.file).split(path.sep).join('/'),
      line: d.line,
      column: d.column,
      message: d.message,
      pointer: d.pointer,
      ...(d.hint !== undefined ? { hint: d.hint } : {}),
      ...(d.related !== undefined ? { related: d.related.map((r) => ({ ...r, file: path.relative(packs, r.file) })) } : {}),
    }));
  } finally {
    await removeTree(root);
  }
}

/** Validates one workflow file in a `demo` pack (with a pack.yaml) and returns its diagnostics. */
export async function validateWorkflow(yaml: string, extra: Record<string, string> = {}): Promise<ShortDiagnostic[]> {
  return validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': yaml, ...extra });
}

/** `code@line` for each diagnostic, for compact expectations. */
export function codesAt(list: readonly ShortDiagnostic[]): string[] {
  return list.map((d) => `${d.code}@${d.line}`);
}
