/** Diagnostics of a git checkout, named as users know the files: by their path in the repository. */
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { HarmoniaError } from '../core/errors.js';

const WORKFLOW_FILE = /^([^/]+)\/workflows\/([^/]+)\.ya?ml$/;

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/** Rewrites the absolute clone paths of diagnostics as paths relative to the repository root. */
export function relativise(diagnostics: readonly Diagnostic[], repoDir: string): Diagnostic[] {
  const rel = (file: string) => (path.isAbsolute(file) ? toPosix(path.relative(repoDir, file)) : file);
  return diagnostics.map((d) => ({
    ...d,
    file: rel(d.file),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, file: rel(r.file) })) } : {}),
  }));
}

/** Groups diagnostics by the workflow ref whose file they are about (`<path>/<pack>/workflows/<name>.yaml`). */
export function invalidWorkflows(diagnostics: readonly Diagnostic[], packsPath: string): Record<string, Diagnostic[]> {
  const byRef: Record<string, Diagnostic[]> = {};
  const prefix = packsPath === '' ? '' : `${packsPath}/`;
  for (const d of diagnostics) {
    if (!d.file.startsWith(prefix)) continue;
    const match = WORKFLOW_FILE.exec(d.file.slice(prefix.length));
    if (!match) continue;
    const ref = `${match[1]}.${match[2]}`;
    (byRef[ref] ??= []).push(d);
  }
  return byRef;
}

/** A thrown error as a diagnostic about `file`, so it is reported where file problems are. */
export function errorDiagnostic(error: HarmoniaError, file: string): Diagnostic {
  return {
    code: error.code,
    severity: 'error',
    message: error.message,
    file,
    line: 0,
    column: 0,
    end_line: 0,
    end_column: 0,
    pointer: '',
  };
}

