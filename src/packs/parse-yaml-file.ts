/**
 * The one place that parses YAML. Refuses alias bombs, turns every parser error into a
 * Diagnostic, and can locate any JSON pointer later (see lazySourceMap()).
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Document, DocumentOptions, ParseOptions, SchemaOptions, YAMLError } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { createSourceMap, type SourceMap } from '../core/source.js';
import type { DiagnosticCode } from './diagnostic-codes.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';

/** Aliases allowed per anchor before a file counts as a YAML bomb. */
export const MAX_ALIAS_COUNT = 100;

/** A parsed YAML file. */
export interface ParsedYaml {
  /** The plain value; undefined when the file could not be parsed. */
  value: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
  /** False when a YAML error makes the value untrustworthy. */
  ok: boolean;
  /**
   * Drops the parsed document behind `source`, which keeps working (it parses the text
   * again if asked). Call it once the file's own checks are done, before holding the
   * result for long.
   */
  release(): void;
}

const CODES: Record<string, DiagnosticCode> = {
  DUPLICATE_KEY: 'YAML_DUPLICATE_KEY',
  MULTIPLE_DOCS: 'YAML_MULTI_DOCUMENT',
};

const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false };

// Holding every file's Document until the rules have run costs more (memory, GC) than
// parsing again the few files that get a diagnostic after release(): positions are then
// rebuilt on first use, from the same text with the same options, so they are the same.
function lazySourceMap(text: string, doc: Document, lineCounter: LineCounter): { source: SourceMap; release(): void } {
  let map: SourceMap | null = createSourceMap(doc, lineCounter, text);
  const get = (): SourceMap => {
    if (map === null) {
      const counter = new LineCounter();
      map = createSourceMap(parseDocument(text, { ...PARSE_OPTIONS, lineCounter: counter }), counter, text);
    }
    return map;
  };
  return {
    source: {
      locate: (pointer, part) => get().locate(pointer, part),
      node: (pointer) => get().node(pointer),
      locateInString: (pointer, start, end) => get().locateInString(pointer, start, end),
    },
    release: () => {
      map = null;
    },
  };
}

// yaml builds quoted scalars a character at a time, and V8 keeps such a string as a rope
// (one node per piece) until something needs it flat. Kept ropes are copied by every
// minor GC until promoted and cost ~25x their text in memory, so flatten each string
// while it is young: the rope's pieces then die in the next minor GC. charCodeAt is the
// cheapest read that flattens. `seen` guards against shared and cyclic values, which
// only aliases (`*name`) make.
function flattenStrings(value: unknown, seen: Set<object> | null): void {
  if (typeof value === 'string') {
    if (value.length > 12) value.charCodeAt(0);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (seen !== null) {
    if (seen.has(value)) return;
    seen.add(value);
  }
  if (Array.isArray(value)) {
    for (const item of value) flattenStrings(item, seen);
  } else {
    for (const key in value) flattenStrings((value as Record<string, unknown>)[key], seen);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describe(error: YAMLError, text: string): { message: string; hint?: string } {
  const at = text.slice(error.pos[0], error.pos[0] + 200);
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^["']?([^"':\n]*)/.exec(at)?.[1]?.trim() ?? '';
      return { message: `duplicate key '${key}': map keys must be unique`, hint: 'remove one of the two entries' };
    }
    case 'MULTIPLE_DOCS':
      return { message: 'the file holds more than one YAML document; put one definition per file' };
    case 'BAD_INDENT':
      return { message: `yaml syntax error: ${lowerFirst(error.message)}`, hint: 'check the indentation of this line against its siblings' };
    case 'MISSING_CHAR':
      return { message: `yaml syntax error: ${lowerFirst(error.message)} (unclosed quote or bracket?)` };
    default:
      return { message: `yaml syntax error: ${lowerFirst(error.message)}` };
  }
}

/** Parses one file's text; never throws. */
export function parseYamlFile(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  const { source, release } = lazySourceMap(text, doc, lineCounter);
  const diagnostics: Diagnostic[] = [];
  const position = (offset: number) => {
    const start = lineCounter.linePos(offset);
    return { line: start.line, column: start.col, end_line: start.line, end_column: start.col };
  };
  const lines = new Set<number>();
  for (const error of doc.errors) {
    // The parser often reports one mistake several times on the same line; keep the first.
    const line = lineCounter.linePos(error.pos[0]).line;
    if (lines.has(line)) continue;
    lines.add(line);
    const { message, hint } = describe(error, text);
    const code = CODES[error.code] ?? 'YAML_SYNTAX';
    let offset = error.pos[0];
    // yaml points a bad indentation at the start of the line; the offending token is its first non-blank.
    if (error.code === 'BAD_INDENT') while (text[offset] === ' ' || text[offset] === '\t') offset += 1;
    diagnostics.push(makeDiagnostic(file, { code, message, ...(hint ? { hint } : {}) }, position(offset)));
  }
  for (const warning of doc.warnings) {
    diagnostics.push(
      makeDiagnostic(file, { code: 'YAML_WARNING', severity: 'warning', message: lowerFirst(warning.message) }, position(warning.pos[0])),
    );
  }
  if (doc.errors.length > 0) return { value: undefined, source, diagnostics, ok: false, release };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    flattenStrings(value, text.includes('*') ? new Set() : null);
  } catch (error) {
    const message = (error as Error).message;
    const bomb = /excessive alias|resource exhaustion/i.test(message);
    diagnostics.push(
      makeDiagnostic(
        file,
        bomb
          ? {
              code: 'YAML_ALIAS_LIMIT',
              message: `the file expands aliases more than ${MAX_ALIAS_COUNT} times per anchor; refused as a possible YAML bomb`,
              hint: 'write the values out, or use fewer aliases',
            }
          : { code: 'YAML_SYNTAX', message: `yaml error: ${lowerFirst(message)}` },
        { line: 1, column: 1, end_line: 1, end_column: 1 },
      ),
    );
    return { value: undefined, source, diagnostics, ok: false, release };
  }
  if (doc.contents === null || value === null || value === undefined) {
    diagnostics.push(makeDiagnostic(file, { code: 'YAML_EMPTY', message: 'the file is empty; expected a mapping of keys' }, position(0)));
    return { value: undefined, source, diagnostics, ok: false, release };
  }
  return { value, source, diagnostics, ok: true, release };
}
