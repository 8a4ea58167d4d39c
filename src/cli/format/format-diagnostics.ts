import type { Diagnostic } from '../../core/diagnostic.js';
import type { FormatOptions } from './format-options.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

/** The values `--format` accepts. */
export const OUTPUT_FORMATS = ['text', 'json', 'github', 'junit', 'sarif'] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** True when `value` names one of the output formats. */
export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Renders diagnostics in the named format; every format is one complete document. */
export function formatDiagnostics(
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  options: FormatOptions = {},
): string {
  switch (format) {
    case 'text':
      return formatText(diagnostics, options);
    case 'json':
      return formatJson(diagnostics);
    case 'github':
      return formatGithub(diagnostics);
    case 'junit':
      return formatJunit(diagnostics, options);
    case 'sarif':
      return formatSarif(diagnostics, options);
  }
}
