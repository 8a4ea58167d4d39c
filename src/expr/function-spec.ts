import type { ExprLimits } from './limits.js';
import type { Fail } from './safe-data.js';

/** What a library function may use: the limits, the clock and a bound error factory. */
export interface FunctionContext {
  limits: ExprLimits;
  now: () => Date;
  fail: Fail;
}

/** One function of the fixed library. */
export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  /** One-line signature for messages and docs, e.g. `join(array, separator?)`. */
  signature: string;
  call(args: readonly unknown[], ctx: FunctionContext): unknown;
}

/** Refuses a string longer than the limit. */
export function checkString(text: string, ctx: FunctionContext): string {
  if (text.length > ctx.limits.maxStringLength) {
    ctx.fail('EXPR_LIMIT', `the result is ${text.length} characters; the limit is ${ctx.limits.maxStringLength}`);
  }
  return text;
}

/** Refuses an array longer than the limit. */
export function checkArray<T>(items: T[], ctx: FunctionContext): T[] {
  if (items.length > ctx.limits.maxArrayLength) {
    ctx.fail('EXPR_LIMIT', `the result has ${items.length} items; the limit is ${ctx.limits.maxArrayLength}`);
  }
  return items;
}

/** The argument as a string, or a type error naming the function's signature. */
export function argString(value: unknown, what: string, ctx: FunctionContext): string {
  if (typeof value === 'string') return value;
  return ctx.fail('EXPR_TYPE', `${what} must be a string, got ${describe(value)}`);
}

/** The argument as a finite number, or a type error. */
export function argNumber(value: unknown, what: string, ctx: FunctionContext): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return ctx.fail('EXPR_TYPE', `${what} must be a number, got ${describe(value)}`);
}

/** The argument as an integer, or a type error. */
export function argInteger(value: unknown, what: string, ctx: FunctionContext): number {
  const n = argNumber(value, what, ctx);
  return Number.isInteger(n) ? n : ctx.fail('EXPR_TYPE', `${what} must be an integer, got ${n}`);
}

/** The argument as an array, or a type error. */
export function argArray(value: unknown, what: string, ctx: FunctionContext): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return ctx.fail('EXPR_TYPE', `${what} must be an array, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  return `${typeof value} ${String(value)}`;
}
