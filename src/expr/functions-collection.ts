import { argArray, argInteger, argNumber, argString, checkArray } from './function-spec.js';
import type { FunctionContext, FunctionSpec } from './function-spec.js';
import { dataEntries, isPlainObject, readProperty, toPlainData } from './safe-data.js';

function argObject(value: unknown, what: string, ctx: FunctionContext): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  return ctx.fail('EXPR_TYPE', `${what} must be an object, got ${Array.isArray(value) ? 'an array' : String(value)}`);
}

/** Key list given as several arguments or as one array. */
function keyList(args: readonly unknown[], ctx: FunctionContext): Set<string> {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return new Set(list.map((k) => argString(k, 'each key', ctx)));
}

function sortKey(value: unknown, ctx: FunctionContext): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  return ctx.fail('EXPR_TYPE', `sort() compares strings or numbers only, got ${value === null ? 'null' : typeof value}`);
}

function sortList(list: readonly unknown[], by: string | undefined, ctx: FunctionContext): unknown[] {
  const keyed = list.map((item) => ({ item, key: sortKey(by === undefined ? item : readProperty(item, by, ctx.fail), ctx) }));
  const kinds = new Set(keyed.map((k) => typeof k.key));
  if (kinds.size > 1) ctx.fail('EXPR_TYPE', 'sort() cannot compare strings with numbers');
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.item);
}

function flatten(list: readonly unknown[], depth: number, ctx: FunctionContext): unknown[] {
  const out: unknown[] = [];
  const visit = (items: readonly unknown[], level: number): void => {
    for (const item of items) {
      if (Array.isArray(item) && level < depth) visit(item, level + 1);
      else if (out.push(item) > ctx.limits.maxArrayLength) checkArray(out, ctx);
    }
  };
  visit(list, 0);
  return out;
}

/** Functions over arrays and objects. */
export const COLLECTION_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  keys: { minArgs: 1, maxArgs: 1, signature: 'keys(object)', call: ([o], ctx) => dataEntries(argObject(o, 'the argument', ctx), ctx.fail).map(([k]) => k) },
  values: { minArgs: 1, maxArgs: 1, signature: 'values(object)', call: ([o], ctx) => dataEntries(argObject(o, 'the argument', ctx), ctx.fail).map(([, v]) => v) },
  first: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'first(arrayOrString)',
    call: ([v], ctx) => (typeof v === 'string' ? v.slice(0, 1) : argArray(v, 'the argument', ctx)[0]),
  },
  last: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'last(arrayOrString)',
    call: ([v], ctx) => (typeof v === 'string' ? v.slice(-1) : argArray(v, 'the argument', ctx).at(-1)),
  },
  slice: {
    minArgs: 2,
    maxArgs: 3,
    signature: 'slice(arrayOrString, start, end?)',
    call([v, start, end], ctx) {
      const from = argInteger(start, 'the start', ctx);
      const to = end === undefined ? undefined : argInteger(end, 'the end', ctx);
      return typeof v === 'string' ? v.slice(from, to) : argArray(v, 'the first argument', ctx).slice(from, to);
    },
  },
  unique: {
    minArgs: 1,
    maxArgs: 1,
    signature: 'unique(array)',
    call([list], ctx) {
      const seen = new Set<string>();
      return argArray(list, 'the argument', ctx).filter((item) => {
        const key = JSON.stringify(canonical(toPlainData(item, ctx.fail))) ?? 'undefined';
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
  },
  sort: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'sort(array, key?)',
    call: ([list, by], ctx) => sortList(argArray(list, 'the first argument', ctx), by === undefined ? undefined : argString(by, 'the key', ctx), ctx),
  },
  flatten: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'flatten(array, depth?)',
    call: ([list, depth], ctx) => flatten(argArray(list, 'the first argument', ctx), depth === undefined ? 1 : Math.min(argInteger(depth, 'the depth', ctx), 64), ctx),
  },
  merge: {
    minArgs: 1,
    maxArgs: 100,
    signature: 'merge(object1, object2, ...)',
    call(args, ctx) {
      const out: Record<string, unknown> = {};
      for (const arg of args) {
        if (arg === null || arg === undefined) continue;
        for (const [k, v] of dataEntries(argObject(arg, 'each argument', ctx), ctx.fail)) out[k] = v;
      }
      return out;
    },
  },
  pick: {
    minArgs: 2,
    maxArgs: 100,
    signature: 'pick(object, key1, key2, ...)',
    call([o, ...names], ctx) {
      const wanted = keyList(names, ctx);
      return Object.fromEntries(dataEntries(argObject(o, 'the first argument', ctx), ctx.fail).filter(([k]) => wanted.has(k)));
    },
  },
  omit: {
    minArgs: 2,
    maxArgs: 100,
    signature: 'omit(object, key1, key2, ...)',
    call([o, ...names], ctx) {
      const unwanted = keyList(names, ctx);
      return Object.fromEntries(dataEntries(argObject(o, 'the first argument', ctx), ctx.fail).filter(([k]) => !unwanted.has(k)));
    },
  },
  range: {
    minArgs: 1,
    maxArgs: 2,
    signature: 'range(count) or range(start, end)',
    call([a, b], ctx) {
      const start = b === undefined ? 0 : argInteger(a, 'the start', ctx);
      const end = b === undefined ? argInteger(a, 'the count', ctx) : argInteger(b, 'the end', ctx);
      const count = Math.max(0, end - start);
      if (count > ctx.limits.maxArrayLength) {
        ctx.fail('EXPR_LIMIT', `range of ${count} items exceeds the limit of ${ctx.limits.maxArrayLength}`);
      }
      return Array.from({ length: count }, (_, i) => start + i);
    },
  },
  min: { minArgs: 1, maxArgs: 100, signature: 'min(n1, n2, ...) or min(array)', call: (args, ctx) => extreme(args, ctx, Math.min) },
  max: { minArgs: 1, maxArgs: 100, signature: 'max(n1, n2, ...) or max(array)', call: (args, ctx) => extreme(args, ctx, Math.max) },
};

function extreme(args: readonly unknown[], ctx: FunctionContext, pick: (...n: number[]) => number): number | null {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (list.length === 0) return null;
  return list.map((n) => argNumber(n, 'each value', ctx)).reduce((a, b) => pick(a, b));
}

// Sorted keys, so {a,b} and {b,a} count as the same value in unique().
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}
