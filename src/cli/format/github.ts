import type { Diagnostic } from '../../core/diagnostic.js';

/**
 * GitHub Actions workflow commands, one per diagnostic: errors become `::error`,
 * warnings `::warning`, infos `::notice`; GitHub shows them inline on the diff.
 */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatGithubLine).join('');
}

function formatGithubLine(d: Diagnostic): string {
  const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props: [string, string | number][] = [];
  if (d.file) props.push(['file', d.file.replace(/\\/g, '/')]);
  if (d.line > 0) {
    props.push(['line', d.line]);
    if (d.column > 0) props.push(['col', d.column]);
    if (d.end_line >= d.line) {
      props.push(['endLine', d.end_line]);
      if (d.end_column > 0) props.push(['endColumn', d.end_column]);
    }
  }
  props.push(['title', d.code]);
  const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
  const properties = props.map(([key, value]) => `${key}=${escapeGithubProperty(String(value))}`).join(',');
  return `::${command} ${properties}::${escapeGithubData(message)}\n`;
}

/** Escapes a command's message: `%`, CR and LF (the runner decodes them back). */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: as the message, plus `:` and `,` which delimit properties. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
