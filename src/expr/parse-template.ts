import type { Expr } from './ast.js';
import { ExprError } from './expr-error.js';
import type { ExprLimits } from './limits.js';
import { parseExpression } from './parse-expression.js';

/** A run of literal text, or one `${...}` with its parsed tree. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'expr';
      /** The text between `${` and `}`, untrimmed: node offsets plus `start + 2` are template offsets. */
      source: string;
      ast: Expr;
      /** Offset of `${` in the template. */
      start: number;
      /** Offset just past the closing `}`. */
      end: number;
    };

/** A string split into text and expressions. */
export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The string is exactly one ${...}: evaluation keeps the value's type. */
  whole: boolean;
}

/**
 * Splits a string into literal text and `${...}` expressions, parsing each one.
 * `$${` is a literal `${`. Thrown when invalid: ExprError with offsets into `text`.
 * @example parseTemplate('deploying ${tasks.build.output.image} to ${input.env}')
 */
export function parseTemplate(text: string, limits?: Partial<ExprLimits>): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let buffer = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      buffer += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      buffer += text[i];
      i += 1;
      continue;
    }
    const close = findClose(text, i + 2);
    if (close < 0) {
      throw new ExprError(
        'EXPR_SYNTAX',
        `unclosed expression: '\${' at offset ${i} has no matching '}'`,
        i,
        text.length,
      );
    }
    if (buffer !== '') parts.push({ kind: 'text', text: buffer });
    buffer = '';
    const source = text.slice(i + 2, close);
    let ast: Expr;
    try {
      ast = parseExpression(source, limits);
    } catch (error) {
      throw error instanceof ExprError ? error.shift(i + 2) : error;
    }
    parts.push({ kind: 'expr', source, ast, start: i, end: close + 1 });
    i = close + 1;
  }
  if (buffer !== '') parts.push({ kind: 'text', text: buffer });
  return { parts, whole: parts.length === 1 && parts[0]?.kind === 'expr' };
}

/** True when the string holds at least one unescaped `${`. */
export function hasExpression(text: string): boolean {
  let i = text.indexOf('${');
  while (i >= 0) {
    // charCodeAt, not text[i - 1]: reading index -1 of a string takes a slow lookup path.
    if (i === 0 || text.charCodeAt(i - 1) !== 36 /* $ */) return true;
    i = text.indexOf('${', i + 2);
  }
  return false;
}

// Finds the `}` closing an expression that starts at `from`, skipping quoted strings
// and nested braces of object literals. Returns -1 when there is none.
function findClose(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i += 1;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === '{') depth += 1;
    if (c === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
    i += 1;
  }
  return -1;
}
