import { HarmoniaError } from '../core/errors.js';
import { findParamRefs, splitExpressions, type StringPart } from './scan-expressions.js';

/**
 * How a string is substituted: `value` strings that are exactly `${param.x}` become the
 * value with its type; `expression` strings (condition, with_items) must stay `${...}`
 * expressions, so parameters become literals inside them.
 */
export type SubstituteMode = 'value' | 'expression';

/** The expression-language literal for a JSON value (objects and arrays via fromJSON). */
export function expressionLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return value < 0 ? `(${JSON.stringify(value)})` : JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return `fromJSON(${JSON.stringify(JSON.stringify(value))})`;
}

/**
 * Parameter values are data, not expressions: a `${` inside one is escaped as `$${` so the
 * run-time evaluator prints it instead of evaluating it.
 */
export function escapeData(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeData);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeData(item)]));
  }
  return value;
}

/** Text of a value interpolated into a string, as the expression evaluator renders it. */
function interpolated(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value).replaceAll('${', () => '$${');
}

function lookup(values: Readonly<Record<string, unknown>>, name: string, templateRef: string): unknown {
  if (!Object.hasOwn(values, name)) {
    throw new HarmoniaError('TEMPLATE_PARAM_INVALID', `template '${templateRef}' uses parameter '${name}', which it does not declare`, {
      details: { parameter: name, template: templateRef },
    });
  }
  return values[name];
}

/** Replaces every param reference in an expression body by the value's literal. */
function rewriteBody(body: string, values: Readonly<Record<string, unknown>>, templateRef: string): string {
  const refs = findParamRefs(body);
  let out = '';
  let at = 0;
  for (const ref of refs) {
    out += body.slice(at, ref.start) + expressionLiteral(lookup(values, ref.name, templateRef));
    at = ref.end;
  }
  return out + body.slice(at);
}

/** The parameter a body names when it is nothing but `param.x`, else null. */
function pureRef(body: string): string | null {
  const refs = findParamRefs(body);
  const only = refs[0];
  if (refs.length !== 1 || !only) return null;
  const trimmedStart = body.length - body.trimStart().length;
  return only.start === trimmedStart && only.end === body.trimEnd().length ? only.name : null;
}

function substituteString(
  value: string,
  values: Readonly<Record<string, unknown>>,
  mode: SubstituteMode,
  templateRef: string,
): unknown {
  if (!value.includes('${')) return value;
  const parts: StringPart[] = splitExpressions(value);
  const [first] = parts;
  if (mode === 'value' && parts.length === 1 && first?.kind === 'expr') {
    const name = pureRef(first.body);
    if (name !== null) return escapeData(structuredClone(lookup(values, name, templateRef)));
  }
  let out = '';
  for (const part of parts) {
    let piece: string;
    if (part.kind === 'text') piece = part.text;
    else {
      const name = mode === 'value' ? pureRef(part.body) : null;
      piece = name !== null ? interpolated(lookup(values, name, templateRef)) : `\${${rewriteBody(part.body, values, templateRef)}}`;
    }
    // A value ending in `$` glued to a following `{` or `${` would forge an expression or an escape.
    if (out.endsWith('$') && (piece.startsWith('{') || piece.startsWith('${'))) {
      throw new HarmoniaError('TEMPLATE_PARAM_INVALID', `template '${templateRef}': a parameter value ending in '$' cannot be placed right before '{' in ${JSON.stringify(value)}`, {
        details: { template: templateRef },
      });
    }
    out += piece;
  }
  return out;
}

/**
 * Resolves `${param.*}` in any JSON value. Other `${...}` expressions are kept for run
 * time; a param used inside a larger expression becomes a literal there
 * (`${upper(param.source)}` → `${upper("orders")}`).
 * Thrown when a reference names an undeclared parameter: TEMPLATE_PARAM_INVALID.
 */
export function substituteParams(
  value: unknown,
  values: Readonly<Record<string, unknown>>,
  templateRef: string,
  mode: SubstituteMode = 'value',
): unknown {
  if (typeof value === 'string') return substituteString(value, values, mode, templateRef);
  if (Array.isArray(value)) return value.map((item) => substituteParams(item, values, templateRef, mode));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substituteParams(item, values, templateRef, mode);
    return out;
  }
  return value;
}
