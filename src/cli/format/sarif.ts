import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../../core/diagnostic.js';
import { DIAGNOSTIC_CODES, isDiagnosticCode } from '../../core/diagnostic-codes.js';
import type { FormatOptions } from './format-options.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: SarifRegion;
  };
  message?: { text: string };
}

/**
 * A SARIF 2.1.0 log with one run: the rules are the distinct codes, each result a
 * diagnostic with its file (a URI relative to the project root) and region. GitHub
 * code scanning and most IDE SARIF viewers read it.
 */
export function formatSarif(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const rules = codes.map((code) => ({
    id: code,
    name: ruleName(code),
    shortDescription: { text: describeCode(code) },
  }));
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code) ?? 0,
    level: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note',
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    locations: [location(d.file, d.line, d.column, d.end_line, d.end_column, options.cwd)],
    ...(d.related?.length
      ? {
          relatedLocations: d.related.map((r, id) => ({
            id,
            ...location(r.file, r.line, r.column, 0, 0, options.cwd),
            message: { text: r.message },
          })),
        }
      : {}),
  }));
  const driver = {
    name: 'harmonia',
    ...(options.toolVersion ? { version: options.toolVersion } : {}),
    rules,
  };
  const log = { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [{ tool: { driver }, results }] };
  return JSON.stringify(log, null, 2) + '\n';
}

function location(
  file: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
  cwd: string | undefined,
): SarifLocation {
  const { uri, relativeUri } = artifactUri(file, cwd);
  const physicalLocation: SarifLocation['physicalLocation'] = {
    artifactLocation: relativeUri ? { uri, uriBaseId: '%SRCROOT%' } : { uri },
  };
  // Line 0 means "no position": SARIF then wants no region rather than a made-up one.
  if (line > 0) {
    const region: SarifRegion = { startLine: line };
    if (column > 0) region.startColumn = column;
    if (endLine > line || (endLine === line && column > 0 && endColumn > column)) {
      region.endLine = endLine;
      if (endColumn > 0) region.endColumn = endColumn;
    }
    physicalLocation.region = region;
  }
  return { physicalLocation };
}

function artifactUri(file: string, cwd: string | undefined): { uri: string; relativeUri: boolean } {
  let path = file;
  if (isAbsolute(path) && cwd) {
    const rel = relative(cwd, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) path = rel;
  }
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href, relativeUri: false };
  const forward = path.split(sep).join('/').replace(/\\/g, '/').replace(/^\.\//, '');
  return { uri: forward.split('/').map(encodeURIComponent).join('/'), relativeUri: true };
}

/** `DAG_CYCLE` → `DagCycle`: SARIF rule names are conventionally PascalCase. */
function ruleName(code: string): string {
  return code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The catalogue's description; for a code outside it, `SOME_CODE` → `Some code`. */
function describeCode(code: string): string {
  if (isDiagnosticCode(code)) return DIAGNOSTIC_CODES[code];
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
