import { hasErrors, type Diagnostic, type RelatedLocation } from '../../core/diagnostic.js';

/** The document `--format json` prints: the verdict and every diagnostic, each with every key. */
export interface JsonReport {
  valid: boolean;
  diagnostics: JsonDiagnostic[];
}

export interface JsonDiagnostic {
  code: string;
  severity: Diagnostic['severity'];
  message: string;
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  pointer: string;
  hint: string | null;
  related: RelatedLocation[];
}

/**
 * One JSON document `{ valid, diagnostics }`. Absent optional fields become `null`
 * or `[]` so every diagnostic has the same keys, which keeps `jq` scripts simple.
 */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const report: JsonReport = {
    valid: !hasErrors(diagnostics),
    diagnostics: diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.file,
      line: d.line,
      column: d.column,
      end_line: d.end_line,
      end_column: d.end_column,
      pointer: d.pointer,
      hint: d.hint ?? null,
      related: d.related ?? [],
    })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
