/**
 * A parser for the plain subset of YAML that pack files are mostly written in: block
 * mappings and sequences, flow collections, plain and quoted one-line scalars, plain
 * literal and folded block scalars, comments.
 * It builds the value yaml's `parseDocument(text).toJS()` builds under the core schema,
 * without yaml's token stream, CST and Document, which cost ~10x the time on a
 * 25,000-task workflow (docs/performance.md).
 *
 * It declines (returns `undefined`) on anything outside the subset — anchors, aliases,
 * tags, block scalars but the plainest (see blockScalar()), other scalars over several lines, directives and document markers,
 * complex keys, duplicate and merge keys, tabs, CR, control characters, a scalar at the
 * root — and on every input yaml would report an error or a warning for. The caller then
 * parses with yaml as before, so every diagnostic, every position and every value outside
 * the subset is yaml's own. test/unit/packs/parse-yaml-subset.test.ts holds the two
 * against each other on every YAML file of the repository and on seeded random documents.
 */

import { DOUBLE_QUOTED_ESCAPES, propertyName, resolvePlainScalar } from './yaml-core-scalars.js';

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DOUBLE = 34;
const SINGLE = 39;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_SEQ = 91;
const CLOSE_SEQ = 93;
const OPEN_MAP = 123;
const CLOSE_MAP = 125;
const BAR = 124;
const GREATER = 62;

// yaml refuses an implicit key whose ':' is more than 1024 characters after its start.
const MAX_KEY_LENGTH = 1000;

// Characters outside the subset anywhere in the text: tabs (indentation and separation
// rules), CR (line breaks), control and C1 characters, Unicode line separators, a BOM.
// (Document markers and directives are refused where a line starts: nextContent().)
const OUTSIDE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

// Whether a plain scalar may not start with this character: the indicators that start
// something else (quotes, flow collections, anchors, aliases, tags, block scalars,
// directives, reserved characters, comments).
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`') NOT_PLAIN_START[c.charCodeAt(0)] = 1;

const HEX = /^[0-9a-fA-F]+$/;

// Thrown (never escapes this module) when the text leaves the subset.
class Declined {}
const DECLINED = new Declined();

function decline(): never {
  throw DECLINED;
}

const hasOwn = Object.prototype.hasOwnProperty;

function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  // A repeated key is a diagnostic, '<<' a merge, '__proto__' a special case of toJS: yaml's.
  if (key === '<<' || key === '__proto__' || hasOwn.call(map, key)) decline();
  map[key] = value;
}

class SubsetParser {
  private pos = 0;
  /** Indent of the next content line (set by nextContent()), -1 at the end of the text. */
  private next = -1;
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  parseRoot(): unknown {
    this.nextContent();
    const first = this.text.charCodeAt(this.pos);
    if (this.next < 0 || first === OPEN_SEQ || first === OPEN_MAP) decline();
    const value = this.blockNode(-1, this.next);
    if (this.next >= 0 || typeof value !== 'object' || value === null) decline();
    return value;
  }

  private isEmptyAt(i: number): boolean {
    if (i >= this.length) return true;
    const c = this.text.charCodeAt(i);
    return c === SPACE || c === NEWLINE;
  }

  // From the start of a line: skips blank and comment-only lines, leaves `pos` at the
  // first character of the next content line and `next` at its indent.
  private nextContent(): void {
    const { text, length } = this;
    let i = this.pos;
    while (i < length) {
      const start = i;
      while (i < length && text.charCodeAt(i) === SPACE) i += 1;
      if (i >= length) break;
      const c = text.charCodeAt(i);
      if (c === NEWLINE) {
        i += 1;
        continue;
      }
      if (c === HASH) {
        const end = text.indexOf('\n', i);
        if (end < 0) break;
        i = end + 1;
        continue;
      }
      // `---` and `...` (a document's start or end) and `%` (a directive) in column 0.
      if (i === start && (c === 37 || ((c === DASH || c === 46) && text.startsWith(c === DASH ? '---' : '...', i) && this.isEmptyAt(i + 3)))) decline();
      this.pos = i;
      this.next = i - start;
      return;
    }
    this.pos = length;
    this.next = -1;
  }

  // After a node on its line: only spaces and a comment may follow it.
  private endLine(): void {
    const { text, length } = this;
    let i = this.pos;
    while (i < length && text.charCodeAt(i) === SPACE) i += 1;
    if (i < length) {
      const c = text.charCodeAt(i);
      if (c === HASH) {
        if (i === this.pos) decline();
        const end = text.indexOf('\n', i);
        i = end < 0 ? length : end;
      } else if (c !== NEWLINE) {
        decline();
      }
    }
    this.pos = i + 1;
    this.nextContent();
  }

  // A node that starts at `pos`, in `column`, in block context, inside a collection indented `parent`.
  private blockNode(parent: number, column: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(this.pos);
    if (c === DASH && this.isEmptyAt(this.pos + 1)) return this.blockSeq(column);
    if (c === OPEN_SEQ || c === OPEN_MAP) {
      const value = this.flowCollection(parent);
      this.endLine();
      return value;
    }
    if (c === DOUBLE || c === SINGLE) {
      const start = this.pos;
      const value = this.quoted();
      if (this.atKeyColon()) {
        if (this.pos - start > MAX_KEY_LENGTH) decline();
        return this.blockMap(column, value);
      }
      this.endLine();
      return value;
    }
    const end = this.plainBlock();
    const source = text.slice(this.startOfPlain, end);
    if (this.stop === COLON) return this.blockMap(column, propertyName(this.plainKey(source)));
    this.pos = end;
    this.endLine();
    return resolvePlainScalar(source);
  }

  // After a quoted scalar: whether a ':' makes it a mapping key (pos then after the ':').
  private atKeyColon(): boolean {
    const { text, length } = this;
    let i = this.pos;
    while (i < length && text.charCodeAt(i) === SPACE) i += 1;
    if (i < length && text.charCodeAt(i) === COLON && this.isEmptyAt(i + 1)) {
      this.pos = i + 1;
      return true;
    }
    return false;
  }

  private startOfPlain = 0;
  /** What ended the last plain scalar: COLON (a key), NEWLINE (end of line) or HASH. */
  private stop = 0;

  // A plain scalar in block context from `pos`: returns its end (trailing spaces
  // excluded); a key's ':' leaves `pos` after it.
  private plainBlock(): number {
    const { text, length } = this;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c < 128 && NOT_PLAIN_START[c] === 1) decline();
    if ((c === DASH || c === 63 || c === COLON) && this.isEmptyAt(start + 1)) decline();
    this.startOfPlain = start;
    let end = start;
    let i = start;
    for (;;) {
      if (i >= length) {
        this.stop = NEWLINE;
        return end;
      }
      const ch = text.charCodeAt(i);
      if (ch === COLON) {
        if (this.isEmptyAt(i + 1)) {
          this.stop = COLON;
          this.pos = i + 1;
          return end;
        }
        end = i + 1;
      } else if (ch === SPACE) {
        if (text.charCodeAt(i + 1) === HASH) {
          this.stop = HASH;
          return end;
        }
      } else if (ch === NEWLINE) {
        this.stop = NEWLINE;
        return end;
      } else {
        end = i + 1;
      }
      i += 1;
    }
  }

  private plainKey(source: string): unknown {
    if (this.pos - this.startOfPlain > MAX_KEY_LENGTH) decline();
    return resolvePlainScalar(source);
  }

  private blockMap(indent: number, firstKey: unknown): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let key = propertyName(firstKey);
    for (;;) {
      setKey(map, key, this.mapValue(indent));
      if (this.next !== indent) {
        if (this.next > indent) decline();
        return map;
      }
      key = this.blockKey();
    }
  }

  // `pos` is at a key's first character, on a line indented as its map.
  private blockKey(): string {
    const c = this.text.charCodeAt(this.pos);
    const start = this.pos;
    if (c === DOUBLE || c === SINGLE) {
      const value = this.quoted();
      if (!this.atKeyColon() || this.pos - start > MAX_KEY_LENGTH) decline();
      return value;
    }
    const end = this.plainBlock();
    if (this.stop !== COLON) decline();
    return propertyName(this.plainKey(this.text.slice(start, end)));
  }

  // The value after a block key's ':' (pos right after the ':').
  private mapValue(indent: number): unknown {
    const { text, length } = this;
    let i = this.pos;
    while (i < length && text.charCodeAt(i) === SPACE) i += 1;
    const c = i < length ? text.charCodeAt(i) : NEWLINE;
    if (c === NEWLINE || (c === HASH && i > this.pos)) {
      this.endLine();
      if (this.next > indent) return this.blockNode(indent, this.next);
      if (this.next === indent && text.charCodeAt(this.pos) === DASH && this.isEmptyAt(this.pos + 1)) return this.blockSeq(indent);
      return null;
    }
    this.pos = i;
    if (c === BAR || c === GREATER) return this.blockScalar(indent);
    if (c === OPEN_SEQ || c === OPEN_MAP) {
      const value = this.flowCollection(indent);
      this.endLine();
      return value;
    }
    if (c === DOUBLE || c === SINGLE) {
      const value = this.quoted();
      this.endLine();
      return value;
    }
    const end = this.plainBlock();
    if (this.stop === COLON) decline();
    const source = text.slice(this.startOfPlain, end);
    this.pos = end;
    this.endLine();
    return resolvePlainScalar(source);
  }

  private blockSeq(indent: number): unknown[] {
    const { text } = this;
    const seq: unknown[] = [];
    for (;;) {
      // pos is at the '-'
      let i = this.pos + 1;
      while (i < this.length && text.charCodeAt(i) === SPACE) i += 1;
      const c = i < this.length ? text.charCodeAt(i) : NEWLINE;
      if (c === NEWLINE || (c === HASH && i > this.pos + 1)) {
        this.pos += 1;
        this.endLine();
        seq.push(this.next > indent ? this.blockNode(indent, this.next) : null);
      } else {
        const column = indent + (i - this.pos);
        this.pos = i;
        seq.push(c === BAR || c === GREATER ? this.blockScalar(indent) : this.blockNode(indent, column));
      }
      if (this.next !== indent || text.charCodeAt(this.pos) !== DASH || !this.isEmptyAt(this.pos + 1)) {
        if (this.next > indent) decline();
        return seq;
      }
    }
  }

  // A literal (`|`) or folded (`>`) block scalar whose header ends the line of its key or
  // `- `, inside a collection indented `parent`. Read: clip and strip chomping (`-`), no
  // indentation indicator, no blank lines before the text, blank lines no more indented
  // than the text, and in folded scalars no more-indented lines. `pos` ends at the start
  // of the line after it, `next` at that line's indent.
  private blockScalar(parent: number): string {
    const { text, length } = this;
    const folded = text.charCodeAt(this.pos) === GREATER;
    let i = this.pos + 1;
    const strip = text.charCodeAt(i) === DASH;
    if (strip) i += 1;
    const headerEnd = i;
    while (i < length && text.charCodeAt(i) === SPACE) i += 1;
    if (i < length && text.charCodeAt(i) === HASH) {
      if (i === headerEnd) decline();
      i = text.indexOf('\n', i);
      if (i < 0) decline();
    } else if (i >= length || text.charCodeAt(i) !== NEWLINE) {
      decline();
    }
    const lines: string[] = [];
    let textIndent = -1;
    let blank = 0;
    let start = i + 1;
    while (start < length) {
      let k = start;
      while (k < length && text.charCodeAt(k) === SPACE) k += 1;
      let end = text.indexOf('\n', k);
      if (end < 0) end = length;
      const indent = k - start;
      if (k === end) {
        if (textIndent < 0 || indent > textIndent) decline();
        blank += 1;
        start = end + 1;
        continue;
      }
      if (indent <= parent) break;
      if (textIndent < 0) textIndent = indent;
      else if (indent < textIndent || (folded && indent > textIndent)) decline();
      for (; blank > 0; blank -= 1) lines.push('');
      lines.push(text.slice(start + textIndent, end));
      start = end + 1;
    }
    if (lines.length === 0) decline();
    this.pos = Math.min(start, length);
    this.nextContent();
    let value: string;
    if (folded) {
      // yaml's folding (compose/resolve-block-scalar.js) without more-indented lines.
      value = '';
      let sep = '';
      for (const line of lines) {
        if (line === '') {
          if (sep === '\n') value += '\n';
          else sep = '\n';
        } else {
          value += sep + line;
          sep = ' ';
        }
      }
    } else {
      value = lines.join('\n');
    }
    return strip ? value : value + '\n';
  }

  // Skips spaces and line breaks inside a flow collection; a new line must be indented
  // deeper than the block collection holding the flow collection.
  private flowSpace(indent: number): void {
    const { text, length } = this;
    let i = this.pos;
    for (;;) {
      if (i >= length) decline();
      const c = text.charCodeAt(i);
      if (c === SPACE) {
        i += 1;
      } else if (c === NEWLINE) {
        i += 1;
        const start = i;
        while (i < length && text.charCodeAt(i) === SPACE) i += 1;
        if (i - start <= indent || i >= length || text.charCodeAt(i) === NEWLINE) decline();
      } else if (c === HASH) {
        decline();
      } else {
        this.pos = i;
        return;
      }
    }
  }

  private flowCollection(indent: number): unknown {
    return this.text.charCodeAt(this.pos) === OPEN_SEQ ? this.flowSeq(indent) : this.flowMap(indent);
  }

  private flowSeq(indent: number): unknown[] {
    const { text } = this;
    const seq: unknown[] = [];
    this.pos += 1;
    this.flowSpace(indent);
    if (text.charCodeAt(this.pos) === CLOSE_SEQ) {
      this.pos += 1;
      return seq;
    }
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === OPEN_SEQ || c === OPEN_MAP) seq.push(this.flowCollection(indent));
      else if (c === DOUBLE || c === SINGLE) seq.push(this.quoted());
      else {
        const source = this.plainFlow();
        if (this.stop === COLON) decline();
        seq.push(resolvePlainScalar(source));
      }
      this.flowSpace(indent);
      const after = text.charCodeAt(this.pos);
      this.pos += 1;
      if (after === CLOSE_SEQ) return seq;
      if (after !== COMMA) decline();
      this.flowSpace(indent);
      if (text.charCodeAt(this.pos) === CLOSE_SEQ) decline();
    }
  }

  private flowMap(indent: number): Record<string, unknown> {
    const { text } = this;
    const map: Record<string, unknown> = {};
    this.pos += 1;
    this.flowSpace(indent);
    if (text.charCodeAt(this.pos) === CLOSE_MAP) {
      this.pos += 1;
      return map;
    }
    for (;;) {
      const start = this.pos;
      const c = text.charCodeAt(start);
      let key: string;
      if (c === DOUBLE || c === SINGLE) {
        key = this.quoted();
        while (text.charCodeAt(this.pos) === SPACE) this.pos += 1;
        if (text.charCodeAt(this.pos) !== COLON) decline();
        this.pos += 1;
      } else {
        const source = this.plainFlow();
        if (this.stop !== COLON || !this.isEmptyAt(this.pos)) decline();
        key = propertyName(resolvePlainScalar(source));
      }
      if (this.pos - start > MAX_KEY_LENGTH) decline();
      this.flowSpace(indent);
      const v = text.charCodeAt(this.pos);
      let value: unknown;
      if (v === OPEN_SEQ || v === OPEN_MAP) value = this.flowCollection(indent);
      else if (v === DOUBLE || v === SINGLE) value = this.quoted();
      else {
        const source = this.plainFlow();
        if (this.stop === COLON) decline();
        value = resolvePlainScalar(source);
      }
      setKey(map, key, value);
      this.flowSpace(indent);
      const after = text.charCodeAt(this.pos);
      this.pos += 1;
      if (after === CLOSE_MAP) return map;
      if (after !== COMMA) decline();
      this.flowSpace(indent);
      if (text.charCodeAt(this.pos) === CLOSE_MAP) decline();
    }
  }

  // A plain scalar inside a flow collection; a ':' that ends it leaves `pos` after it.
  private plainFlow(): string {
    const { text, length } = this;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c < 128 && NOT_PLAIN_START[c] === 1) decline();
    if ((c === DASH || c === 63 || c === COLON) && (this.isEmptyAt(start + 1) || isFlowIndicator(text.charCodeAt(start + 1)))) decline();
    let end = start;
    let i = start;
    for (;;) {
      if (i >= length) decline();
      const ch = text.charCodeAt(i);
      if (ch === COLON) {
        const next = text.charCodeAt(i + 1);
        if (this.isEmptyAt(i + 1) || isFlowIndicator(next)) {
          this.stop = COLON;
          this.pos = i + 1;
          return text.slice(start, end);
        }
        end = i + 1;
      } else if (ch === SPACE || ch === NEWLINE) {
        if (ch === SPACE && text.charCodeAt(i + 1) === HASH) decline();
        if (ch === NEWLINE) break;
      } else if (isFlowIndicator(ch)) {
        break;
      } else {
        end = i + 1;
      }
      i += 1;
    }
    this.stop = 0;
    this.pos = end;
    return text.slice(start, end);
  }

  // A quoted scalar on one line; `pos` ends after its closing quote.
  private quoted(): string {
    const { text } = this;
    const quote = text.charCodeAt(this.pos);
    const start = this.pos + 1;
    if (quote === SINGLE) {
      // One line only: found once, so a line of many '' stays linear.
      let lineEnd = text.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = this.length;
      const parts: string[] = [];
      let i = start;
      for (;;) {
        const end = text.indexOf("'", i);
        if (end < 0 || end > lineEnd) decline();
        if (text.charCodeAt(end + 1) === SINGLE) {
          parts.push(text.slice(i, end + 1));
          i = end + 2;
          continue;
        }
        this.pos = end + 1;
        if (parts.length === 0) return text.slice(start, end);
        parts.push(text.slice(i, end));
        return parts.join('');
      }
    }
    let i = start;
    for (;;) {
      if (i >= this.length) decline();
      const c = text.charCodeAt(i);
      if (c === DOUBLE) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (c === NEWLINE) decline();
      i += 1;
    }
    const parts: string[] = [text.slice(start, i)];
    for (;;) {
      if (i >= this.length) decline();
      const c = text.charCodeAt(i);
      if (c === DOUBLE) {
        this.pos = i + 1;
        return parts.join('');
      }
      if (c === NEWLINE) decline();
      if (c === BACKSLASH) {
        const next = text[i + 1] ?? '';
        const simple = DOUBLE_QUOTED_ESCAPES[next];
        if (simple !== undefined) {
          parts.push(simple);
          i += 2;
        } else if (next === 'x' || next === 'u' || next === 'U') {
          const size = next === 'x' ? 2 : next === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + size);
          if (hex.length !== size || !HEX.test(hex)) decline();
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) decline();
          parts.push(String.fromCodePoint(code));
          i += 2 + size;
        } else {
          decline();
        }
      } else {
        const from = i;
        while (i < this.length) {
          const d = text.charCodeAt(i);
          if (d === DOUBLE || d === BACKSLASH || d === NEWLINE) break;
          i += 1;
        }
        parts.push(text.slice(from, i));
      }
    }
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === OPEN_SEQ || c === CLOSE_SEQ || c === OPEN_MAP || c === CLOSE_MAP;
}

/**
 * The value of a YAML text written in the subset this module reads, as yaml's
 * `parseDocument(text).toJS()` would build it; `undefined` when the text is outside the
 * subset (or empty, or has a scalar at its root), and the caller must parse it with yaml.
 */
export function parseYamlSubset(text: string): object | undefined {
  if (OUTSIDE.test(text)) return undefined;
  try {
    return new SubsetParser(text).parseRoot() as object;
  } catch (error) {
    if (error === DECLINED) return undefined;
    throw error;
  }
}
