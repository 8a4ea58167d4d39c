import { HarmoniaError } from '../core/errors.js';
import type { ParameterSpec, ValueType } from '../core/model.js';
import { quotableValue } from '../core/secret-text.js';

function typeOf(value: unknown): ValueType | 'null' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as ValueType;
  if (typeof value === 'object') return 'object';
  return 'other';
}

function fits(expected: ValueType, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

function invalid(field: string, message: string): HarmoniaError {
  return new HarmoniaError('EXEC_INPUT_INVALID', `input '${field}' ${message}`, { details: { field } });
}

/**
 * Checks an execution's input against the workflow's `input` declaration and
 * applies defaults. Thrown when a field is missing, of the wrong type, not in its
 * enum, or undeclared: EXEC_INPUT_INVALID naming the field.
 */
export function validateInput(spec: Record<string, ParameterSpec>, input: Record<string, unknown>): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HarmoniaError('EXEC_INPUT_INVALID', `input must be an object, got ${typeOf(input)}`, { details: {} });
  }
  const declared = Object.keys(spec);
  for (const name of Object.keys(input)) {
    // own keys only: `constructor` or `__proto__` are not declared just because every object inherits them
    if (declared.length > 0 && !Object.hasOwn(spec, name)) {
      throw invalid(name, `is not declared; the workflow accepts ${declared.map((d) => `'${d}'`).join(', ')}`);
    }
  }
  // fromEntries defines own properties: a `__proto__` key stays data instead of becoming the prototype
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(input));
  for (const [name, param] of Object.entries(spec)) {
    if (!Object.hasOwn(out, name) || out[name] === undefined) {
      if (param.default !== undefined) out[name] = structuredClone(param.default);
      else if (param.required) throw invalid(name, 'is required');
      else continue;
    }
    const value = out[name];
    if (param.type && !fits(param.type, value)) {
      throw invalid(name, `must be of type ${param.type}, got ${typeOf(value)} ${quotableValue(name, JSON.stringify(value), param.secret === true)}`);
    }
    if (param.enum && !param.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
      const allowed = param.enum.map((e) => JSON.stringify(e)).join(', ');
      throw invalid(name, `is ${quotableValue(name, JSON.stringify(value), param.secret === true)}; expected one of ${allowed}`);
    }
  }
  return out;
}

/** The values of the inputs declared `secret: true` (every string inside a structured one too), to mask by value. */
export function secretInputValues(spec: Record<string, ParameterSpec>, input: Record<string, unknown>): string[] {
  const values: string[] = [];
  const collect = (value: unknown, depth: number): void => {
    if (typeof value === 'string') values.push(value);
    else if (typeof value === 'number' || typeof value === 'boolean') values.push(String(value));
    else if (value !== null && typeof value === 'object' && depth < 64) {
      for (const inner of Object.values(value)) collect(inner, depth + 1);
    }
  };
  for (const [name, param] of Object.entries(spec)) {
    if (param.secret !== true || !Object.hasOwn(input, name)) continue;
    const value = input[name];
    collect(value, 0);
    if (value !== null && typeof value === 'object') values.push(JSON.stringify(value));
  }
  return values;
}
