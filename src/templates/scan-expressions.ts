/**
 * A careful scanner for `${...}` spans and `param.<name>` references inside them. It
 * follows quotes and nested braces, so `${fromJSON('{"a": 1}')}` is one span and a
 * `param.x` inside a string literal is not a reference.
 */

/** A piece of a string: literal text, or one `${...}` expression (body without the delimiters). */
export type StringPart = { kind: 'text'; text: string } | { kind: 'expr'; body: string };

/** A `param.name` / `param['name']` reference: its name and offsets in the expression body. */
export interface ParamRef {
  name: string;
  start: number;
  end: number;
}

function skipString(source: string, from: number): number {
  const quote = source[from];
  let i = from + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return source.length;
}

/** Splits a string into text and `${...}` parts; an unterminated `${` and an escaped `$${` stay text. */
export function splitExpressions(value: string): StringPart[] {
  const parts: StringPart[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    // `$${` is the escape for a literal `${`; it stays escaped for the run-time evaluator.
    if (value.startsWith('$${', i)) {
      text += '$${';
      i += 3;
      continue;
    }
    if (value[i] !== '$' || value[i + 1] !== '{') {
      text += value[i];
      i += 1;
      continue;
    }
    let depth = 1;
    let j = i + 2;
    while (j < value.length && depth > 0) {
      const c = value[j];
      if (c === "'" || c === '"') {
        j = skipString(value, j);
        continue;
      }
      if (c === '{') depth += 1;
      else if (c === '}') depth -= 1;
      j += 1;
    }
    if (depth > 0) {
      text += value.slice(i);
      break;
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'expr', body: value.slice(i + 2, j - 1) });
    i = j;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

function skipSpaces(source: string, from: number): number {
  let i = from;
  while (i < source.length && /\s/.test(source[i] ?? '')) i += 1;
  return i;
}

function readIdent(source: string, from: number): number {
  let i = from;
  while (isIdentPart(source[i])) i += 1;
  return i;
}

/** Every `param.<name>` or `param['<name>']` reference in an expression body. */
export function findParamRefs(body: string): ParamRef[] {
  const refs: ParamRef[] = [];
  let previous = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === "'" || c === '"') {
      i = skipString(body, i);
      previous = 'string';
      continue;
    }
    if (/\s/.test(c ?? '')) {
      i += 1;
      continue;
    }
    if (!isIdentStart(c) && !/[0-9]/.test(c ?? '')) {
      previous = c ?? '';
      i += 1;
      continue;
    }
    const start = i;
    i = readIdent(body, i);
    const word = body.slice(start, i);
    // `x.param` is a property named param, not the root.
    if (word === 'param' && previous !== '.') {
      const ref = readParamAccess(body, start, i);
      if (ref) {
        refs.push(ref);
        i = ref.end;
      }
    }
    previous = 'word';
  }
  return refs;
}

function readParamAccess(body: string, start: number, afterRoot: number): ParamRef | null {
  const at = skipSpaces(body, afterRoot);
  if (body[at] === '.') {
    const nameStart = skipSpaces(body, at + 1);
    if (!isIdentStart(body[nameStart])) return null;
    const nameEnd = readIdent(body, nameStart);
    return { name: body.slice(nameStart, nameEnd), start, end: nameEnd };
  }
  if (body[at] === '[') {
    const quoteAt = skipSpaces(body, at + 1);
    const quote = body[quoteAt];
    if (quote !== "'" && quote !== '"') return null;
    const stringEnd = skipString(body, quoteAt);
    const close = skipSpaces(body, stringEnd);
    if (body[close] !== ']') return null;
    const raw = body.slice(quoteAt + 1, stringEnd - 1);
    if (raw.includes('\\')) return null;
    return { name: raw, start, end: close + 1 };
  }
  return null;
}
