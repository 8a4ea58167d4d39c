/**
 * The one place that parses YAML: with parseYamlSubset() when the text is in its subset,
 * else with yaml's Document. Refuses alias bombs, turns every parser error into a
 * Diagnostic, and can locate any JSON pointer later (see lazySourceMap()).
 */
import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions, YAMLError } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { createSourceMap, type SourceMap } from '../core/source.js';
import type { DiagnosticCode } from '../core/diagnostic-codes.js';
import { parseYamlSubset } from './parse-yaml-subset.js';
import { tooDeepAt } from './yaml-nesting-depth.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';

/** Aliases allowed per anchor before a file counts as a YAML bomb. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Bytes (counted as JSON text) that aliases may add to a document once expanded. The
 * count per anchor alone lets a 1 MB string aliased 90 times become a 90 MB definition.
 */
export const MAX_ALIAS_EXPANSION = 1024 * 1024;

/** Levels a document may nest (mappings, sequences, flow brackets) before it is refused unparsed. */
export const MAX_NESTING_DEPTH = 100;

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

// Duplicate keys are found by findDuplicateKeys() (yaml's own check is quadratic in the
// keys of a map). Merge keys (`<<: *base`) are the YAML 1.1 idiom most editors and CI
// files use, so they merge rather than being read as a key named '<<'.
const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  uniqueKeys: false,
  merge: true,
  keepSourceTokens: false,
};

// Holding every file's Document until the rules have run costs more (memory, GC) than
// parsing again the few files that get a diagnostic after release(): positions are then
// rebuilt on first use, from the same text with the same options, so they are the same.
// A file read by parseYamlSubset() has no Document until a position is first asked for.
function lazySourceMap(text: string, doc: Document | null, lineCounter: LineCounter | null): { source: SourceMap; release(): void } {
  let map: SourceMap | null = doc === null || lineCounter === null ? null : createSourceMap(doc, lineCounter, text);
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

// Duplicate keys in one pass. yaml's own `uniqueKeys` check compares each key with every
// earlier key of its map, which is quadratic: a workflow of 25k tasks spent seconds there.
// One set per map instead, with the same notion of equal keys (the same node, or scalars
// with the same value).
/** Where a repeated key starts (offset into the text) and its text. */
interface DuplicateKey {
  offset: number;
  key: string;
}

function keyOf(node: unknown): unknown {
  if (isScalar(node)) return typeof node.value === 'string' ? `s:${node.value}` : node.value;
  return node;
}

/** Every key that repeats an earlier key of the same mapping, in document order. */
function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = keyOf(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const node = pair.key as { range?: [number, number, number] } | null;
        found.push({ offset: node?.range?.[0] ?? 0, key: isScalar(pair.key) ? String(pair.key.value) : '' });
      }
    },
  });
  return found;
}

// What aliases add to a document once expanded, in linear time: each node's expanded
// size is computed once and an alias costs the size of the node it names.
/**
 * Bytes (as JSON text, approximately) that expanding every alias adds to the document.
 * Stops counting once past `stopAt`, so a bomb costs no more than the limit.
 */
function aliasExpansionOf(doc: Document, stopAt: number): number {
  const sizes = new Map<unknown, number>();
  let added = 0;
  const sizeOf = (node: unknown): number => {
    if (node === null || node === undefined) return 4;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    // An alias inside the node it names (a cycle) counts once.
    sizes.set(node, 1);
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      size = target === undefined ? 1 : sizeOf(target);
      added += size;
      // The alias node is memoised too, but each occurrence is a separate node.
    } else if (isScalar(node)) {
      size = String(node.value).length + 2;
    } else if (isCollection(node)) {
      size = 2;
      for (const item of node.items) {
        if (added > stopAt) break;
        size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) + 2 : sizeOf(item) + 1;
      }
    }
    sizes.set(node, size);
    return size;
  };
  sizeOf(doc.contents as Node | null);
  return added;
}

type Ranged = { range?: [number, number, number] | null };

function isMapSource(node: unknown, doc: Document): boolean {
  const target = isAlias(node) ? node.resolve(doc) : node;
  return isMap(target);
}

// toJS() throws without a position; the node it stumbled on is found again by walking the
// document in the order yaml resolves aliases in (anchors before the aliases that name them).
/** The offset of the node toJS() refused with `message`, or null when none can be told. */
function refusedNodeOffset(doc: Document, message: string): number | null {
  const merge = /merge/i.test(message);
  const unresolved = /unresolved alias/i.test(message);
  const anchors = new Set<string>();
  const uses = new Map<string, number>();
  let found: number | null = null;
  let firstAlias: number | null = null;
  visit(doc, {
    Node(_, node) {
      const at = (node as Ranged).range?.[0] ?? null;
      if (isAlias(node)) {
        firstAlias ??= at;
        const count = (uses.get(node.source) ?? 0) + 1;
        uses.set(node.source, count);
        if (unresolved ? !anchors.has(node.source) : !merge && count > MAX_ALIAS_COUNT) found = at;
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
      return found === null ? undefined : visit.BREAK;
    },
    Pair(_, pair) {
      if (!merge || !isScalar(pair.key) || typeof pair.key.value !== 'symbol') return undefined;
      const value = pair.value;
      const items: unknown[] = isCollection(value) && !isMap(value) ? value.items : [value];
      const bad = items.find((item) => !isMapSource(item, doc));
      if (bad !== undefined) found = (bad as Ranged).range?.[0] ?? (value as Ranged).range?.[0] ?? null;
      return found === null ? undefined : visit.BREAK;
    },
  });
  return found ?? firstAlias;
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

// Nothing of a refused document is parsed, so its source map knows no nodes: every
// pointer lands at the start of the file.
function refuseTooDeep(file: string, at: { line: number; column: number }): ParsedYaml {
  const lineCounter = new LineCounter();
  const empty = parseDocument('', { ...PARSE_OPTIONS, lineCounter });
  const { source, release } = lazySourceMap('', empty, lineCounter);
  const diagnostic = makeDiagnostic(
    file,
    {
      code: 'YAML_TOO_DEEP',
      message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels; it was not parsed`,
      hint: 'flatten the structure, or move deep data into a file the workflow reads',
    },
    { line: at.line, column: at.column, end_line: at.line, end_column: at.column },
  );
  return { value: undefined, source, diagnostics: [diagnostic], ok: false, release };
}

/**
 * Parses one file's text; never throws. Most pack files are read by parseYamlSubset(),
 * which builds the same value in a tenth of the time; the rest go through yaml's Document
 * (parseYamlFileWithYaml()), as does any position asked for later.
 */
export function parseYamlFile(text: string, file: string): ParsedYaml {
  const deep = tooDeepAt(text, MAX_NESTING_DEPTH);
  if (deep !== null) return refuseTooDeep(file, deep);
  const plain = parseYamlSubset(text);
  if (plain === undefined) return parseWithYaml(text, file);
  const { source, release } = lazySourceMap(text, null, null);
  return { value: plain, source, diagnostics: [], ok: true, release };
}

/**
 * parseYamlFile() through yaml's Document alone: what it does for text outside
 * parseYamlSubset()'s subset. Exported for the test that holds the two paths to one verdict.
 */
export function parseYamlFileWithYaml(text: string, file: string): ParsedYaml {
  const deep = tooDeepAt(text, MAX_NESTING_DEPTH);
  return deep === null ? parseWithYaml(text, file) : refuseTooDeep(file, deep);
}

function parseWithYaml(text: string, file: string): ParsedYaml {
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
  for (const duplicate of findDuplicateKeys(doc)) {
    const line = lineCounter.linePos(duplicate.offset).line;
    if (lines.has(line)) continue;
    lines.add(line);
    diagnostics.push(
      makeDiagnostic(
        file,
        { code: 'YAML_DUPLICATE_KEY', message: `duplicate key '${duplicate.key}': map keys must be unique`, hint: 'remove one of the two entries' },
        position(duplicate.offset),
      ),
    );
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { value: undefined, source, diagnostics, ok: false, release };
  if (text.includes('*')) {
    const added = aliasExpansionOf(doc, MAX_ALIAS_EXPANSION);
    if (added > MAX_ALIAS_EXPANSION) {
      diagnostics.push(
        makeDiagnostic(
          file,
          {
            code: 'YAML_ALIAS_LIMIT',
            message: `aliases expand the file by more than ${MAX_ALIAS_EXPANSION} bytes; refused as a possible YAML bomb`,
            hint: 'write the repeated value once and refer to it, or use fewer aliases of large values',
          },
          position(refusedNodeOffset(doc, 'alias expansion') ?? 0),
        ),
      );
      return { value: undefined, source, diagnostics, ok: false, release };
    }
  }
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
        position(refusedNodeOffset(doc, message) ?? 0),
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
