/**
 * `# harmonia-ignore CODE[,CODE]` on a line, or on the line directly above, suppresses
 * those codes there. A directive naming an unknown code is itself a warning.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { isDiagnosticCode } from '../core/diagnostic-codes.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';

const DIRECTIVE = /#\s*harmonia-ignore\b([^#\n]*)/;

/** Drops suppressed diagnostics and adds warnings for unknown codes in directives. */
export function applyIgnores(text: string | null, diagnostics: readonly Diagnostic[], file: string): Diagnostic[] {
  if (text === null || !text.includes('harmonia-ignore')) return [...diagnostics];
  const suppressed = new Map<number, Set<string>>();
  const warnings: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const match = DIRECTIVE.exec(lineText);
    if (!match) return;
    const line = i + 1;
    const column = match.index + 1;
    const codes = (match[1] ?? '').split(/[\s,]+/).filter((c) => c !== '');
    for (const code of codes) {
      if (!isDiagnosticCode(code)) {
        warnings.push(
          makeDiagnostic(
            file,
            { code: 'HARMONIA_IGNORE_UNKNOWN_CODE', severity: 'warning', message: `harmonia-ignore names unknown code '${code}'; it suppresses nothing` },
            { line, column, end_line: line, end_column: column + match[0].length },
          ),
        );
        continue;
      }
      for (const target of [line, line + 1]) {
        let set = suppressed.get(target);
        if (!set) suppressed.set(target, (set = new Set()));
        set.add(code);
      }
    }
  });
  const kept = diagnostics.filter((d) => !(d.line > 0 && suppressed.get(d.line)?.has(d.code)));
  return [...kept, ...warnings];
}
