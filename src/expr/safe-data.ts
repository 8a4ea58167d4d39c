/**
 * The only ways the evaluator touches values: own data properties of plain objects and
 * arrays, never prototypes, getters or functions. Everything that leaves the evaluator
 * is copied into fresh plain data by toPlainData.
 */
import { ExprError } from './expr-error.js';

/** Property names refused everywhere: in `.name`, `['name']`, computed keys and object keys. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

// Deeper data than this is refused rather than recursed into (and stops cycles).
const MAX_DATA_DEPTH = 200;

/** Thrown-error factory bound to the span being evaluated. */
export type Fail = (code: ExprError['code'], message: string) => never;

/** True for `{}`-style objects (Object.prototype or null prototype), false for arrays and class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Refuses a forbidden property name. */
export function assertAllowedName(name: string, fail: Fail): void {
  if (FORBIDDEN_NAMES.has(name)) {
    fail('EXPR_FORBIDDEN', `access to '${name}' is not allowed; expressions read data properties only`);
  }
}

/** Reads an own data property; null-safe (null/undefined → undefined). */
export function readProperty(target: unknown, key: string | number, fail: Fail): unknown {
  const name = String(key);
  assertAllowedName(name, fail);
  if (target === null || target === undefined) return undefined;
  if (typeof target === 'string') {
    if (name === 'length') return target.length;
    return isIndex(name) ? target[Number(name)] : undefined;
  }
  if (typeof target === 'number' || typeof target === 'boolean') return undefined;
  if (Array.isArray(target)) {
    if (name === 'length') return target.length;
    if (!isIndex(name)) return undefined;
    return readOwnData(target, name, fail);
  }
  if (isPlainObject(target)) return readOwnData(target, name, fail);
  return fail('EXPR_FORBIDDEN', `cannot read '${name}' of a ${describeType(target)}; only plain data can be read`);
}

function readOwnData(target: object, name: string, fail: Fail): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor === undefined) return undefined;
  if (!('value' in descriptor)) {
    return fail('EXPR_FORBIDDEN', `'${name}' is an accessor, not data; only data properties can be read`);
  }
  const value: unknown = descriptor.value;
  if (typeof value === 'function' || typeof value === 'symbol') {
    return fail('EXPR_FORBIDDEN', `'${name}' is a ${typeof value}, not data; only data can be read`);
  }
  return value;
}

function isIndex(name: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(name);
}

/** Own enumerable data entries of a plain object, refusing accessors and forbidden keys. */
export function dataEntries(target: Record<string, unknown>, fail: Fail): [string, unknown][] {
  return Object.keys(target).map((key) => {
    assertAllowedName(key, fail);
    return [key, readOwnData(target, key, fail)];
  });
}

/** A short type name for messages: 'string', 'number', 'array', 'object', 'null', ... */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  if (typeof value === 'object') return 'non-data object';
  return typeof value;
}

/** JavaScript truthiness over data: false, 0, '', null and undefined are false. */
export function isTruthy(value: unknown): boolean {
  return !(value === false || value === 0 || value === '' || value === null || value === undefined);
}

/** Structural equality over data; no coercion, and no getters run. */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > MAX_DATA_DEPTH) return false;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  if (!bothArrays && !(isPlainObject(a) && isPlainObject(b))) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => {
    const da = Object.getOwnPropertyDescriptor(a, k);
    const db = Object.getOwnPropertyDescriptor(b, k);
    if (da === undefined || db === undefined || !('value' in da) || !('value' in db)) return false;
    return deepEqual(da.value, db.value, depth + 1);
  });
}

/**
 * Copies a value into fresh JSON-like data: plain objects (ordinary prototype, no forbidden
 * keys), arrays, strings, finite numbers, booleans, null. Dates become ISO strings;
 * undefined becomes null in arrays and is dropped from objects.
 */
export function toPlainData(value: unknown, fail: Fail, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : fail('EXPR_TYPE', `the number ${String(value)} is not finite`);
    case 'bigint':
      return fail('EXPR_TYPE', 'big integers are not data; use a number or a string');
    case 'function':
    case 'symbol':
      return fail('EXPR_FORBIDDEN', `a ${typeof value} is not data`);
    default:
      break;
  }
  if (depth >= MAX_DATA_DEPTH) return fail('EXPR_LIMIT', `data nested deeper than ${MAX_DATA_DEPTH} levels`);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? fail('EXPR_TYPE', 'invalid date') : value.toISOString();
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i += 1) {
      const item = toPlainData(readOwnData(value, String(i), fail), fail, depth + 1);
      out.push(item === undefined ? null : item);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of dataEntries(value, fail)) {
      const copy = toPlainData(item, fail, depth + 1);
      if (copy !== undefined) out[key] = copy;
    }
    return out;
  }
  return fail('EXPR_TYPE', `a ${describeType(value)} is not data; use objects, arrays, strings, numbers, booleans or null`);
}

/** The text of a value in interpolation and concatenation: null/undefined → '', objects → JSON. */
export function toText(value: unknown, fail: Fail): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(toPlainData(value, fail));
}
