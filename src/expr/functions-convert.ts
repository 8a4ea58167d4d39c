import { argString, checkString } from './function-spec.js';
import type { FunctionContext, FunctionSpec } from './function-spec.js';
import { isPlainObject, isTruthy, toPlainData } from './safe-data.js';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function toDate(value: unknown, ctx: FunctionContext): Date {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    return ctx.fail('EXPR_TYPE', `the date must be an ISO 8601 string or epoch milliseconds, got '${String(value)}'`);
  }
  return date;
}

function formatDate(date: Date, pattern: string): string {
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (token) => {
    switch (token) {
      case 'yyyy': return pad(date.getUTCFullYear(), 4);
      case 'MM': return pad(date.getUTCMonth() + 1, 2);
      case 'dd': return pad(date.getUTCDate(), 2);
      case 'HH': return pad(date.getUTCHours(), 2);
      case 'mm': return pad(date.getUTCMinutes(), 2);
      case 'ss': return pad(date.getUTCSeconds(), 2);
      default: return pad(date.getUTCMilliseconds(), 3);
    }
  });
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** Conversions, dates and null handling. */
export const CONVERT_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  default: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'default(value, fallback)',
    call: ([v, fallback]) => (v === null || v === undefined ? fallback : v),
  },
  coalesce: {
    minArgs: 1,
    maxArgs: 100,
    signature: 'coalesce(value1, value2, ...)',
    call: (args) => args.find((v) => v !== null && v !== undefined) ?? null,
  },
  not: { minArgs: 1, maxArgs: 1, signature: 'not(value)', call: ([v]) => !isTruthy(v) },
  empty: { minArgs: 1, maxArgs: 1, signature: 'empty(value)', call: ([v]) => isEmpty(v) },
  fromJSON: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'fromJSON(string)',
    call([s], ctx) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(argString(s, 'the argument', ctx));
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'invalid JSON';
        return ctx.fail('EXPR_TYPE', `the argument is not valid JSON: ${reason}`);
      }
      return toPlainData(parsed, ctx.fail);
    },
  },
  toNumber: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'toNumber(value)',
    call([v], ctx) {
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && v.trim() !== '') {
        const n = Number(v.trim());
        if (Number.isFinite(n)) return n;
      }
      return ctx.fail('EXPR_TYPE', `cannot convert ${typeof v === 'string' ? `'${v.slice(0, 40)}'` : String(v)} to a number`);
    },
  },
  toBoolean: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'toBoolean(value)',
    call([v]) {
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (t === 'false' || t === '0' || t === 'no' || t === '') return false;
        return true;
      }
      return isTruthy(v);
    },
  },
  now: {
    minArgs: 0,
    maxArgs: 0,
    signature: 'now()',
    call: (_args, ctx) => toDate(ctx.now().getTime(), ctx).toISOString(),
  },
  formatDate: {
    minArgs: 2,
    maxArgs: 2,
    signature: "formatDate(date, 'yyyy-MM-dd HH:mm:ss')",
    call: ([d, pattern], ctx) => checkString(formatDate(toDate(d, ctx), argString(pattern, 'the pattern', ctx)), ctx),
  },
};
