/**
 * The nesting-depth scan that runs before any YAML parser: the parsers (and every pass
 * after them) recurse once per level, so a document nested thousands deep would overflow
 * the stack.
 */

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const QUESTION = 63;
const DOUBLE = 34;
const SINGLE = 39;
const BACKSLASH = 92;
const OPEN_SEQ = 91;
const CLOSE_SEQ = 93;
const OPEN_MAP = 123;
const CLOSE_MAP = 125;
const COMMA = 44;

// Token starts: where a quote or a flow bracket opens something rather than sitting in a plain scalar.
function isTokenStart(c: number): boolean {
  return c === SPACE || c === TAB || c === OPEN_SEQ || c === OPEN_MAP || c === COMMA || c === COLON || c === DASH || c === QUESTION;
}

const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][0-9+-]*\s*(?:#.*)?$/;
const WHITESPACE = /\s/;

// What String.prototype.trimEnd() strips.
function isWhitespace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c > SPACE && c < 127) return false;
  return WHITESPACE.test(text.charAt(i));
}

/**
 * Where the nesting depth of `text` first passes `max` (1-based line and column), or null.
 * It over-estimates the depth: block levels by indentation and `- `/`? ` markers, flow
 * levels by brackets outside quotes and comments, block scalar text skipped. One pass over
 * the text, without splitting it into lines.
 */
export function tooDeepAt(text: string, max: number): { line: number; column: number } | null {
  const indents: number[] = [];
  let flow = 0;
  // The open quote's character code, 0 outside quotes.
  let quote = 0;
  let scalarIndent = -1;
  const length = text.length;
  // Where the next '|' and '>' are, so the header test slices only lines that hold one.
  let nextBar = -1;
  let nextAngle = -1;
  let start = 0;
  let n = -1;
  while (start <= length) {
    n += 1;
    const lineStart = start;
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = length;
    start = end + 1;
    let i = lineStart;
    while (i < end && text.charCodeAt(i) === SPACE) i += 1;
    let trimmed = end;
    while (trimmed > lineStart && isWhitespace(text, trimmed - 1)) trimmed -= 1;
    const indent = i - lineStart;
    if (scalarIndent >= 0) {
      if (i >= trimmed || indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    let k = i;
    let plain = false;
    if (quote === 0 && flow === 0) {
      if (i >= trimmed || text.charCodeAt(i) === HASH) continue;
      while (indents.length > 0 && (indents.at(-1) ?? 0) >= indent) indents.pop();
      indents.push(indent);
      for (;;) {
        const c = text.charCodeAt(k);
        if (k >= end || (c !== DASH && c !== QUESTION) || (k + 1 < end && text.charCodeAt(k + 1) !== SPACE)) break;
        k += 1;
        while (k < end && text.charCodeAt(k) === SPACE) k += 1;
        indents.push(k - lineStart);
        if (indents.length > max) return { line: n + 1, column: k - lineStart + 1 };
      }
      if (indents.length > max) return { line: n + 1, column: indent + 1 };
    }
    for (; k < end; k += 1) {
      const c = text.charCodeAt(k);
      if (quote !== 0) {
        if (c === BACKSLASH && quote === DOUBLE) k += 1;
        else if (c === quote && quote === SINGLE && k + 1 < end && text.charCodeAt(k + 1) === SINGLE) k += 1;
        else if (c === quote) quote = 0;
        continue;
      }
      const before = k === lineStart ? SPACE : text.charCodeAt(k - 1);
      if (c === HASH && (before === SPACE || before === TAB)) break;
      if (c === SPACE || c === TAB) continue;
      const opens = flow === 0 ? !plain : isTokenStart(before);
      if ((c === DOUBLE || c === SINGLE) && opens) {
        quote = c;
      } else if ((c === OPEN_SEQ || c === OPEN_MAP) && opens) {
        flow += 1;
        if (indents.length + flow > max) return { line: n + 1, column: k - lineStart + 1 };
      } else if ((c === CLOSE_SEQ || c === CLOSE_MAP) && flow > 0) {
        flow -= 1;
        plain = flow === 0;
      } else if (flow === 0) {
        // a plain scalar runs to the end of the line, unless this ':' ends a key
        plain = !(c === COLON && (k + 1 >= end || text.charCodeAt(k + 1) === SPACE));
      }
    }
    if (quote !== 0 || flow !== 0) continue;
    if (nextBar < lineStart) nextBar = indexOrEnd(text, '|', lineStart);
    if (nextAngle < lineStart) nextAngle = indexOrEnd(text, '>', lineStart);
    if ((nextBar < end || nextAngle < end) && BLOCK_SCALAR_HEADER.test(text.slice(lineStart, end))) scalarIndent = indent;
  }
  return null;
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? Infinity : at;
}
