/**
 * Maps JSON pointers back to positions in a YAML file, so every diagnostic can say
 * file:line:column. Walks the yaml AST (pair keys and values keep their ranges) and
 * falls back to the nearest ancestor that exists.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/** A 1-based range in a file. */
export interface SourceSpan {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

/** Whether a pointer names a mapping key or the value under it. */
export type LocatePart = 'key' | 'value';

/** Positions of the nodes of one parsed file. */
export interface SourceMap {
  /** The node at `pointer`, or its nearest existing ancestor. */
  locate(pointer: string, part?: LocatePart): SourceSpan;
  /** The node at `pointer` as a yaml node, when it exists. */
  node(pointer: string): Node | null;
  /**
   * A range inside the string at `pointer` (offsets into its value). Exact for plain and
   * quoted strings written on one line without escapes; otherwise the string's start.
   */
  locateInString(pointer: string, start: number, end: number): SourceSpan;
}

/** Escapes one segment for use in a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(segment: string | number): string {
  const text = String(segment);
  // Every task, input and string of a file gets a pointer: most segments need no escape.
  if (text.indexOf('~') < 0 && text.indexOf('/') < 0) return text;
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends segments to a JSON pointer. */
export function joinPointer(base: string, ...segments: Array<string | number>): string {
  let pointer = base;
  for (const segment of segments) pointer += '/' + escapePointerSegment(segment);
  return pointer;
}

/** Splits a JSON pointer into unescaped segments. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const FILE_START: SourceSpan = { line: 1, column: 1, end_line: 1, end_column: 1 };

interface Found {
  node: Node | null;
  keyNode: Node | null;
  exact: boolean;
}

function walk(root: Node | null, segments: string[]): Found {
  let node: Node | null = root;
  let keyNode: Node | null = null;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment,
      );
      if (!pair) return { node, keyNode: null, exact: false };
      keyNode = pair.key as Node;
      const value = pair.value as Node | null;
      // `key:` with nothing after it: the key is the best place to point at.
      node = value && value.range ? value : null;
      if (node === null) return { node: keyNode, keyNode, exact: true };
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!/^\d+$/.test(segment) || !item) return { node, keyNode: null, exact: false };
      node = item;
      keyNode = null;
    } else {
      return { node, keyNode: null, exact: false };
    }
  }
  return { node, keyNode, exact: true };
}

/** Builds the pointer → position map of one parsed document. */
export function createSourceMap(doc: Document | null, lineCounter: LineCounter, text = ''): SourceMap {
  const span = (node: Node | null): SourceSpan => {
    const range = node?.range;
    if (!range) return FILE_START;
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(Math.max(range[0], range[1]));
    return { line: start.line, column: start.col, end_line: end.line, end_column: end.col };
  };
  const root = (doc?.contents ?? null) as Node | null;
  return {
    locate(pointer, part = 'value') {
      const segments = splitPointer(pointer);
      // The whole file: line 1, even when comments come before the first key.
      if (segments.length === 0) return FILE_START;
      const found = walk(root, segments);
      if (found.exact && part === 'key' && found.keyNode) return span(found.keyNode);
      return span(found.node);
    },
    node(pointer) {
      const found = walk(root, splitPointer(pointer));
      return found.exact ? found.node : null;
    },
    locateInString(pointer, start, end) {
      const found = walk(root, splitPointer(pointer));
      const node = found.exact ? found.node : null;
      if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return span(found.node);
      const raw = text.slice(node.range[0], node.range[1]);
      const value = node.value;
      let shift: number | null = null;
      if (raw === value) shift = 0;
      else if (raw.length === value.length + 2 && raw.slice(1, -1) === value && /^["']/.test(raw)) shift = 1;
      if (shift === null) return span(node);
      const from = lineCounter.linePos(node.range[0] + shift + start);
      const to = lineCounter.linePos(node.range[0] + shift + Math.max(start, end));
      return { line: from.line, column: from.col, end_line: to.line, end_column: to.col };
    },
  };
}
