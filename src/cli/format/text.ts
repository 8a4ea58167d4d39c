import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import type { SourceSpan } from '../../core/source.js';
import { createColors, type Colors } from '../output/colors.js';
import type { FormatOptions } from './format-options.js';
import { hiddenSpans, maskLine } from './hidden-spans.js';
import { countBySeverity, plural, uniqueFiles } from './summary.js';

/**
 * Renders diagnostics the way compilers do: `file:line:col  error  CODE  message`,
 * then the source line with a caret under the column, a hint, related locations,
 * and a one-line summary.
 */
export function formatText(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const c = createColors(options.color ?? false);
  const sources = new Map<string, { lines: string[]; hidden: SourceSpan[] } | undefined>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) {
      const text = options.readSource?.(file);
      sources.set(file, text === undefined ? undefined : { lines: text.split(/\r?\n/), hidden: hiddenSpans(file, text, diagnostics) });
    }
    return sources.get(file);
  };
  const blocks = diagnostics.map((d) => renderDiagnostic(d, sourceOf(d.file), c));
  if (options.summary === false) return blocks.join('\n');
  return [...blocks, renderSummary(diagnostics, options, c)].join('\n');
}

function renderDiagnostic(d: Diagnostic, source: { lines: string[]; hidden: SourceSpan[] } | undefined, c: Colors): string {
  const out = [`${c.bold(location(d.file, d.line, d.column))}  ${severityLabel(d.severity, c)}  ${c.dim(d.code)}  ${d.message}`];
  const sourceLine = d.line > 0 ? source?.lines[d.line - 1] : undefined;
  if (sourceLine !== undefined) out.push(...codeFrame(d, sourceLine, c, source?.hidden));
  if (d.hint) out.push(`  ${c.cyan('hint:')} ${d.hint}`);
  for (const r of d.related ?? []) out.push(`  ${c.dim('related:')} ${location(r.file, r.line, r.column)}  ${r.message}`);
  return out.join('\n') + '\n';
}

/**
 * The offending line and a caret row under it; tabs are kept so the caret lines up. Secret
 * values on the line (`hidden`) are shown masked, as the diagnostics show them.
 */
export function codeFrame(d: Diagnostic, sourceLine: string, c: Colors = createColors(false), hidden: readonly SourceSpan[] = []): string[] {
  const gutter = String(d.line);
  const blank = ' '.repeat(gutter.length);
  const masked = maskLine(sourceLine, d.line, hidden);
  const frame = [`  ${c.dim(`${gutter} |`)} ${masked.text}`];
  if (d.column > 0) {
    const column = masked.column(d.column);
    const before = masked.text.slice(0, column - 1).replace(/[^\t]/g, ' ');
    const sameLine = d.end_line === d.line || d.end_line === 0;
    const endColumn = sameLine ? masked.column(d.end_column) : 0;
    const width = sameLine && endColumn > column ? endColumn - column : 1;
    const caretColor = d.severity === 'error' ? c.red : d.severity === 'warning' ? c.yellow : c.cyan;
    frame.push(`  ${c.dim(`${blank} |`)} ${before}${caretColor('^'.repeat(width))}`);
  }
  return frame;
}

function location(file: string, line: number, column: number): string {
  const name = file || '<input>';
  if (line <= 0) return name;
  return column > 0 ? `${name}:${line}:${column}` : `${name}:${line}`;
}

function severityLabel(severity: Severity, c: Colors): string {
  if (severity === 'error') return c.red('error');
  if (severity === 'warning') return c.yellow('warning');
  return c.cyan('info');
}

function renderSummary(diagnostics: readonly Diagnostic[], options: FormatOptions, c: Colors): string {
  const counts = countBySeverity(diagnostics);
  const fileCount = uniqueFiles(diagnostics, options.files).length;
  const noteParts = [
    counts.warning ? plural(counts.warning, 'warning') : '',
    counts.info ? plural(counts.info, 'note') : '',
  ].filter(Boolean);
  if (counts.error === 0) {
    const note = noteParts.length ? ` (${noteParts.join(', ')})` : '';
    return `${c.green('✔')} ${plural(fileCount, 'file')} valid${note}\n`;
  }
  const withProblems = new Set(diagnostics.map((d) => d.file)).size;
  const parts = [plural(counts.error, 'error'), ...noteParts].join(', ');
  return `${c.red('✖')} ${parts} in ${plural(withProblems, 'file')}\n`;
}
