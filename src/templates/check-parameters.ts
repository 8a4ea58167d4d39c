import type { ParameterSpec, ValueType } from '../core/model.js';
import { suggest } from '../core/suggest.js';
import { quotableValue } from '../core/secret-text.js';
import { canonicalJson } from '../packs/content-hash.js';

/** The first problem with a set of parameter values. */
export interface ParameterProblem {
  parameter: string;
  message: string;
}

export type CheckedParameters = { ok: true; values: Record<string, unknown> } | { ok: false; problem: ParameterProblem };

export interface CheckParametersOptions {
  /** Accept names that no spec declares (passed through unchanged). @default false */
  allow_unknown?: boolean;
}

/** The type name a value has, as parameter specs spell types. */
export function valueTypeOf(value: unknown): ValueType | 'null' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as ValueType;
  return 'null';
}

function matchesType(value: unknown, type: ValueType): boolean {
  const actual = valueTypeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

const quote = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/**
 * Applies defaults and checks values against their specs: required values present,
 * types right, enum members. Returns the completed values or the first problem.
 */
export function checkParameters(
  specs: Readonly<Record<string, ParameterSpec>>,
  values: Readonly<Record<string, unknown>>,
  options: CheckParametersOptions = {},
): CheckedParameters {
  const names = Object.keys(specs);
  if (!options.allow_unknown) {
    for (const name of Object.keys(values)) {
      if (Object.hasOwn(specs, name)) continue;
      const close = suggest(name, names);
      const hint = close ? `did you mean '${close}'?` : names.length ? `known: ${names.map((n) => `'${n}'`).join(', ')}` : 'none are declared';
      return { ok: false, problem: { parameter: name, message: `unknown parameter '${name}'; ${hint}` } };
    }
  }
  const out: Record<string, unknown> = { ...values };
  for (const [name, spec] of Object.entries(specs)) {
    let value = values[name];
    if (value === undefined && spec.default !== undefined) value = structuredClone(spec.default);
    if (value === undefined) {
      if (spec.required) return { ok: false, problem: { parameter: name, message: `parameter '${name}' is required` } };
      continue;
    }
    if (spec.type !== undefined && !matchesType(value, spec.type)) {
      return {
        ok: false,
        problem: { parameter: name, message: `parameter '${name}' must be of type ${spec.type}; got ${valueTypeOf(value)} ${quotableValue(name, quote(value), spec.secret === true)}` },
      };
    }
    if (spec.enum !== undefined && !spec.enum.some((allowed) => canonicalJson(allowed) === canonicalJson(value))) {
      return {
        ok: false,
        problem: {
          parameter: name,
          message: `parameter '${name}' must be one of ${spec.enum.map(quote).join(', ')}; got ${quotableValue(name, quote(value), spec.secret === true)}`,
        },
      };
    }
    out[name] = value;
  }
  return { ok: true, values: out };
}
