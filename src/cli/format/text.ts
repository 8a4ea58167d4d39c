import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import { createColors, type Colors } from '../output/colors.js';
import type { FormatOptions } from './format-options.js';
import { countBySeverity, plural, uniqueFiles } from './summary.js';

/**
 * Renders diagnostics the way compilers do: `file:line:col  error  CODE  message`,
 * then the source line with a caret under the column, a hint, related locations,
 * and a one-line summary.
 */
export function formatText(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const c = createColors(options.color ?? false);
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!sources.has(file)) sources.set(file, options.readSource?.(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const blocks = diagnostics.map((d) => renderDiagnostic(d, linesOf(d.file), c));
  if (options.summary === false) return blocks.join('\n');
  return [...blocks, renderSummary(diagnostics, options, c)].join('\n');
}

function renderDiagnostic(d: Diagnostic, lines: string[] | undefined, c: Colors): string {
  const out = [`${c.bold(location(d.file, d.line, d.column))}  ${severityLabel(d.severity, c)}  ${c.dim(d.code)}  ${d.message}`];
  const sourceLine = d.line > 0 ? lines?.[d.line - 1] : undefined;
  if (sourceLine !== undefined) out.push(...codeFrame(d, sourceLine, c));
  if (d.hint) out.push(`  ${c.cyan('hint:')} ${d.hint}`);
  for (const r of d.related ?? []) out.push(`  ${c.dim('related:')} ${location(r.file, r.line, r.column)}  ${r.message}`);
  return out.join('\n') + '\n';
}

/** The offending line and a caret row under it; tabs are kept so the caret lines up. */
export function codeFrame(d: Diagnostic, sourceLine: string, c: Colors = createColors(false)): string[] {
  const gutter = String(d.line);
  const blank = ' '.repeat(gutter.length);
  const frame = [`  ${c.dim(`${gutter} |`)} ${sourceLine}`];
  if (d.column > 0) {
    const before = sourceLine.slice(0, d.column - 1).replace(/[^\t]/g, ' ');
    const sameLine = d.end_line === d.line || d.end_line === 0;
    const width = sameLine && d.end_column > d.column ? d.end_column - d.column : 1;
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
