import { COLLECTION_FUNCTIONS } from './functions-collection.js';
import { CONVERT_FUNCTIONS } from './functions-convert.js';
import { MATH_FUNCTIONS } from './functions-math.js';
import { TEXT_FUNCTIONS } from './functions-text.js';
import type { FunctionSpec } from './function-spec.js';

// A Map, not an object: a name like `constructor` or `__proto__` must never find anything.
const LIBRARY: ReadonlyMap<string, FunctionSpec> = new Map(
  [TEXT_FUNCTIONS, CONVERT_FUNCTIONS, COLLECTION_FUNCTIONS, MATH_FUNCTIONS].flatMap((group) => Object.entries(group)),
);

/** The names of every function an expression may call, sorted. */
export const EXPR_FUNCTIONS: readonly string[] = Object.freeze([...LIBRARY.keys()].sort());

/** The library entry for a function name, or undefined. */
export function findFunction(name: string): FunctionSpec | undefined {
  return LIBRARY.get(name);
}
