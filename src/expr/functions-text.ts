import { argArray, argInteger, argString, checkArray, checkString } from './function-spec.js';
import type { FunctionContext, FunctionSpec } from './function-spec.js';
import { deepEqual, isPlainObject, toPlainData, toText } from './safe-data.js';

const unaryString = (signature: string, op: (s: string) => string): FunctionSpec => ({
  minArgs: 1,
  maxArgs: 1,
  signature,
  call: ([s], ctx) => op(argString(s, 'the argument', ctx)),
});

function join(list: readonly unknown[], separator: string, ctx: FunctionContext): string {
  let total = 0;
  const parts = list.map((item, i) => {
    const text = toText(item, ctx.fail);
    total += text.length + (i > 0 ? separator.length : 0);
    if (total > ctx.limits.maxStringLength) {
      ctx.fail('EXPR_LIMIT', `the result would exceed ${ctx.limits.maxStringLength} characters`);
    }
    return text;
  });
  return parts.join(separator);
}

function format(pattern: string, values: readonly unknown[], ctx: FunctionContext): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if ((c === '{' || c === '}') && pattern[i + 1] === c) {
      out += c;
      i += 2;
    } else if (c === '{') {
      const close = pattern.indexOf('}', i);
      const digits = close < 0 ? '' : pattern.slice(i + 1, close);
      if (!/^[0-9]{1,3}$/.test(digits)) {
        ctx.fail('EXPR_TYPE', `format pattern has '{' at ${i} without '{N}'; write '{{' for a literal brace`);
      }
      const n = Number(digits);
      if (n >= values.length) {
        ctx.fail('EXPR_TYPE', `format pattern uses {${n}} but only ${values.length} value(s) were given`);
      }
      out += toText(values[n], ctx.fail);
      i = close + 1;
    } else if (c === '}') {
      ctx.fail('EXPR_TYPE', `format pattern has a lone '}' at ${i}; write '}}' for a literal brace`);
    } else {
      out += c;
      i += 1;
    }
    if (out.length > ctx.limits.maxStringLength) checkString(out, ctx);
  }
  return out;
}

function replace(s: string, search: string, replacement: string, ctx: FunctionContext): string {
  if (search === '') ctx.fail('EXPR_TYPE', 'the search string must not be empty');
  const pieces = s.split(search);
  const size = s.length + (pieces.length - 1) * (replacement.length - search.length);
  if (size > ctx.limits.maxStringLength) {
    ctx.fail('EXPR_LIMIT', `the result would be ${size} characters; the limit is ${ctx.limits.maxStringLength}`);
  }
  return pieces.join(replacement);
}

/** Functions over strings (and `length`/`contains`, which also take arrays). */
export const TEXT_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  length: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'length(stringOrArrayOrObject)',
    call([v], ctx) {
      if (v === null || v === undefined) return 0;
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isPlainObject(v)) return Object.keys(v).length;
      return ctx.fail('EXPR_TYPE', `the argument must be a string, an array or an object, got ${typeof v}`);
    },
  },
  lower: unaryString('lower(string)', (s) => s.toLowerCase()),
  upper: unaryString('upper(string)', (s) => s.toUpperCase()),
  trim: unaryString('trim(string)', (s) => s.trim()),
  contains: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'contains(stringOrArrayOrObject, value)',
    call([haystack, needle], ctx) {
      if (haystack === null || haystack === undefined) return false;
      if (typeof haystack === 'string') return haystack.includes(argString(needle, 'the value', ctx));
      if (Array.isArray(haystack)) return haystack.some((item) => deepEqual(item, needle));
      if (isPlainObject(haystack)) return Object.hasOwn(haystack, argString(needle, 'the key', ctx));
      return ctx.fail('EXPR_TYPE', `the first argument must be a string, an array or an object, got ${typeof haystack}`);
    },
  },
  startsWith: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'startsWith(string, prefix)',
    call: ([s, p], ctx) => argString(s, 'the string', ctx).startsWith(argString(p, 'the prefix', ctx)),
  },
  endsWith: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'endsWith(string, suffix)',
    call: ([s, p], ctx) => argString(s, 'the string', ctx).endsWith(argString(p, 'the suffix', ctx)),
  },
  join: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'join(array, separator?)',
    call: ([list, sep], ctx) =>
      join(argArray(list, 'the first argument', ctx), sep === undefined ? ',' : argString(sep, 'the separator', ctx), ctx),
  },
  split: {
    minArgs: 2,
    maxArgs: 2,
    signature: 'split(string, separator)',
    call([s, sep], ctx) {
      const max = ctx.limits.maxArrayLength;
      return checkArray(argString(s, 'the string', ctx).split(argString(sep, 'the separator', ctx), max + 1), ctx);
    },
  },
  replace: {
    minArgs: 3,
    maxArgs: 3,
    signature: 'replace(string, search, replacement)',
    call: ([s, search, rep], ctx) =>
      replace(argString(s, 'the string', ctx), argString(search, 'the search', ctx), argString(rep, 'the replacement', ctx), ctx),
  },
  format: {
    minArgs: 1,
    maxArgs: 100,
    signature: "format('{0} and {1}', value0, value1, ...)",
    call: ([pattern, ...values], ctx) => format(argString(pattern, 'the pattern', ctx), values, ctx),
  },
  toString: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'toString(value)',
    call: (args: readonly unknown[], ctx: FunctionContext) => checkString(toText(args[0], ctx.fail), ctx),
  },
  toJSON: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'toJSON(value, indent?)',
    call([v, indent], ctx) {
      const spaces = indent === undefined ? 0 : Math.min(10, Math.max(0, argInteger(indent, 'the indent', ctx)));
      // undefined is not data; it is written as null.
      return checkString(JSON.stringify(toPlainData(v, ctx.fail) ?? null, null, spaces), ctx);
    },
  },
};
