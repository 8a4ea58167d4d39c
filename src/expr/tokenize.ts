import { ExprError } from './expr-error.js';

export type TokenKind = 'number' | 'string' | 'identifier' | 'punct' | 'eof';

/** One lexical token; `value` is the decoded literal for numbers and strings. */
export interface Token {
  kind: TokenKind;
  /** The punctuator or identifier text; the decoded string for string tokens. */
  text: string;
  value?: number;
  start: number;
  end: number;
}

// Longest first, so `<=` wins over `<`.
const PUNCTUATORS = [
  '==', '!=', '<=', '>=', '&&', '||',
  '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}',
];

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0',
  '\\': '\\', "'": "'", '"': '"', '/': '/',
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);

/** Splits an expression source into tokens; throws EXPR_SYNTAX at the first bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      i = scanNumber(source, i);
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number(text), start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (isIdentPart(source[i])) i += 1;
      tokens.push({ kind: 'identifier', text: source.slice(start, i), start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      const { text, end } = scanString(source, i);
      tokens.push({ kind: 'string', text, start, end });
      i = end;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, i));
    if (punct === undefined) {
      throw new ExprError(
        'EXPR_SYNTAX',
        `unexpected character '${c ?? ''}' at offset ${i}; expected an operator, a name, a number or a quoted string`,
        i,
        i + 1,
      );
    }
    tokens.push({ kind: 'punct', text: punct, start, end: i + punct.length });
    i += punct.length;
  }
  tokens.push({ kind: 'eof', text: '', start: source.length, end: source.length });
  return tokens;
}

function scanNumber(source: string, from: number): number {
  let i = from;
  while (isDigit(source[i])) i += 1;
  if (source[i] === '.' && isDigit(source[i + 1])) {
    i += 1;
    while (isDigit(source[i])) i += 1;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j += 1;
    if (isDigit(source[j])) {
      while (isDigit(source[j])) j += 1;
      i = j;
    }
  }
  if (isIdentStart(source[i])) {
    throw new ExprError('EXPR_SYNTAX', `invalid number '${source.slice(from, i + 1)}' at offset ${from}`, from, i + 1);
  }
  return i;
}

function scanString(source: string, from: number): { text: string; end: number } {
  const quote = source[from];
  let text = '';
  let i = from + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === quote) return { text, end: i + 1 };
    if (c !== '\\') {
      text += c;
      i += 1;
      continue;
    }
    const e = source[i + 1];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      text += simple;
      i += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
      text += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      throw new ExprError(
        'EXPR_SYNTAX',
        `invalid escape '\\${e ?? ''}' at offset ${i}; use \\n, \\t, \\r, \\\\, \\', \\" or \\uXXXX`,
        i,
        Math.min(i + 2, source.length),
      );
    }
  }
  throw new ExprError(
    'EXPR_SYNTAX',
    `unterminated string starting at offset ${from}; close it with ${quote ?? ''}`,
    from,
    source.length,
  );
}
