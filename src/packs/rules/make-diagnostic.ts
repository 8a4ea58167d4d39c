import type { Diagnostic, RelatedLocation, Severity } from '../../core/diagnostic.js';
import type { SourceSpan } from '../../core/source.js';
import type { DiagnosticCode } from '../../core/diagnostic-codes.js';

/** What a check knows about a problem; the position comes from the file's source map. */
export interface DiagnosticInput {
  code: DiagnosticCode;
  message: string;
  severity?: Severity;
  pointer?: string;
  hint?: string;
  related?: RelatedLocation[];
}

const NO_POSITION: SourceSpan = { line: 0, column: 0, end_line: 0, end_column: 0 };

/** Builds a Diagnostic for `file` at `span` (line 0 when the problem has no position). */
export function makeDiagnostic(file: string, input: DiagnosticInput, span: SourceSpan = NO_POSITION): Diagnostic {
  const diagnostic: Diagnostic = {
    code: input.code,
    severity: input.severity ?? 'error',
    message: input.message,
    file,
    line: span.line,
    column: span.column,
    end_line: span.end_line,
    end_column: span.end_column,
    pointer: input.pointer ?? '',
  };
  if (input.hint !== undefined) diagnostic.hint = input.hint;
  if (input.related !== undefined && input.related.length > 0) diagnostic.related = input.related;
  return diagnostic;
}
