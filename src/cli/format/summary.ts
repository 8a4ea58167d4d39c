import type { Diagnostic, Severity } from '../../core/diagnostic.js';

/** How many diagnostics there are of each severity. */
export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity] += 1;
  return counts;
}

/** Files checked: the given list plus any file a diagnostic names, in first-seen order. */
export function uniqueFiles(diagnostics: readonly Diagnostic[], files: readonly string[] = []): string[] {
  return [...new Set([...files, ...diagnostics.map((d) => d.file)])];
}

/** `1 error`, `2 errors`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
