/**
 * The one shape for every problem found in a user's file: YAML syntax, schema,
 * a cycle, a bad expression. The CLI, the REST endpoints and the watcher all emit
 * these; formatters in cli/format turn them into text, JSON, GitHub, JUnit, SARIF.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Another location involved in a problem: every edge of a cycle, the first of two duplicates. */
export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Diagnostic {
  /** Stable code, e.g. `DAG_CYCLE`; see docs/format.md for the catalogue. */
  code: string;
  severity: Severity;
  /** Lower case, the offending value quoted, and what would be right. */
  message: string;
  /** Path as given to the loader (relative to the working directory when it was relative). */
  file: string;
  /** 1-based; 0 when the problem has no line of its own (a bad file name). */
  line: number;
  /** 1-based; 0 when the problem has no position. */
  column: number;
  end_line: number;
  end_column: number;
  /** JSON pointer to the offending node in the document, e.g. `/tasks/build/depends_on/0`. */
  pointer: string;
  /** "did you mean ..." or how to fix it. */
  hint?: string;
  related?: RelatedLocation[];
}

/** Sorts diagnostics by file, line, column, then code, so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code),
  );
}

/** True when any diagnostic is an error (warnings and infos do not fail a pack). */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}
