import { describe, it, expect } from 'vitest';
import { evaluateExpression } from '../../../src/expr/evaluate.js';
import type { Scope } from '../../../src/expr/evaluate.js';
import { ExprError } from '../../../src/expr/expr-error.js';
import { EXPR_FUNCTIONS } from '../../../src/expr/functions.js';
import { parseExpression } from '../../../src/expr/parse-expression.js';

const FIXED_NOW = new Date('2026-03-04T05:06:07.089Z');
const scope: Scope = {
  input: { name: '  Api ', list: [3, 1, 2], words: ['b', 'a', 'b'], obj: { a: 1, b: 2, c: 3 }, none: null },
};

const ev = (source: string, limits = {}): unknown =>
  evaluateExpression(parseExpression(source), scope, { now: () => FIXED_NOW, limits });

function fails(source: string, limits = {}): ExprError {
  try {
    ev(source, limits);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected '${source}' to fail`);
}

describe('EXPR_FUNCTIONS', () => {
  it('lists every library function once, sorted', () => {
    expect(EXPR_FUNCTIONS).toEqual([
      'abs', 'ceil', 'coalesce', 'contains', 'default', 'empty', 'endsWith', 'first', 'flatten', 'floor',
      'format', 'formatDate', 'fromJSON', 'join', 'keys', 'last', 'length', 'lower', 'max', 'merge', 'min',
      'not', 'now', 'omit', 'pick', 'range', 'replace', 'round', 'slice', 'sort', 'split', 'startsWith',
      'toBoolean', 'toJSON', 'toNumber', 'toString', 'trim', 'unique', 'upper', 'values',
    ]);
  });
});

describe('string functions', () => {
  it('length() counts strings, arrays and object keys, and is 0 for null', () => {
    expect([ev("length('abc')"), ev('length(input.list)'), ev('length(input.obj)'), ev('length(input.none)')]).toEqual([3, 3, 3, 0]);
  });

  it('lower(), upper() and trim() change strings', () => {
    expect([ev('lower(input.name)'), ev('upper(input.name)'), ev('trim(input.name)')]).toEqual(['  api ', '  API ', 'Api']);
  });

  it('lower() refuses a non-string', () => {
    expect(fails('lower(1)').message).toContain('lower(): the argument must be a string, got number 1');
  });

  it('contains() searches strings, arrays and object keys', () => {
    expect([ev("contains('haystack', 'st')"), ev('contains(input.list, 2)'), ev("contains(input.obj, 'b')"), ev('contains(input.none, 1)')])
      .toEqual([true, true, true, false]);
  });

  it('startsWith() and endsWith() test prefixes and suffixes', () => {
    expect([ev("startsWith('api-gw', 'api')"), ev("endsWith('api-gw', 'api')")]).toEqual([true, false]);
  });

  it('join() joins with a separator, defaulting to a comma', () => {
    expect([ev("join(input.words, '-')"), ev('join(input.list)')]).toEqual(['b-a-b', '3,1,2']);
  });

  it('split() splits a string', () => {
    expect(ev("split('a,b,c', ',')")).toEqual(['a', 'b', 'c']);
  });

  it('split() refuses more parts than maxArrayLength', () => {
    expect(fails("split('a,b,c', ',')", { maxArrayLength: 2 }).code).toBe('EXPR_LIMIT');
  });

  it('replace() replaces every occurrence', () => {
    expect(ev("replace('a-b-c', '-', '+')")).toBe('a+b+c');
  });

  it('replace() refuses an empty search string', () => {
    expect(fails("replace('abc', '', 'x')").code).toBe('EXPR_TYPE');
  });

  it('format() fills numbered placeholders and keeps doubled braces', () => {
    expect(ev("format('{0} and {1} {{x}}', 'a', 2)")).toBe('a and 2 {x}');
  });

  it('format() refuses a placeholder without a value', () => {
    expect(fails("format('{0} {1}', 'a')").code).toBe('EXPR_TYPE');
  });

  it('toString() writes any value as text', () => {
    expect([ev('toString(1.5)'), ev('toString(input.none)'), ev('toString(input.list)')]).toEqual(['1.5', '', '[3,1,2]']);
  });

  it('toJSON() serialises data, optionally indented', () => {
    expect(ev('toJSON(input.obj)')).toBe('{"a":1,"b":2,"c":3}');
    expect(ev('toJSON([1], 2)')).toBe('[\n  1\n]');
  });
});

describe('conversion functions', () => {
  it('fromJSON() parses JSON into data', () => {
    expect(ev('fromJSON(\'{"a":[1,true,null]}\')')).toEqual({ a: [1, true, null] });
  });

  it('fromJSON() refuses invalid JSON', () => {
    expect(fails("fromJSON('{nope')").code).toBe('EXPR_TYPE');
  });

  it('toNumber() converts numeric strings and booleans', () => {
    expect([ev("toNumber(' 42 ')"), ev('toNumber(true)'), ev('toNumber(7)')]).toEqual([42, 1, 7]);
  });

  it('toNumber() refuses text that is not a number', () => {
    expect(fails("toNumber('abc')").code).toBe('EXPR_TYPE');
  });

  it("toBoolean() reads 'false', '0' and '' as false", () => {
    expect([ev("toBoolean('false')"), ev("toBoolean('0')"), ev("toBoolean('yes')"), ev('toBoolean(0)'), ev('toBoolean(input.list)')])
      .toEqual([false, false, true, false, true]);
  });

  it('default() replaces null and missing values only', () => {
    expect([ev("default(input.missing, 'x')"), ev("default(input.none, 'x')"), ev("default('', 'x')")]).toEqual(['x', 'x', '']);
  });

  it('coalesce() returns the first value that is not null', () => {
    expect([ev('coalesce(input.none, input.missing, 0, 1)'), ev('coalesce(input.none)')]).toEqual([0, null]);
  });

  it('not() negates truthiness', () => {
    expect([ev('not(0)'), ev("not('x')")]).toEqual([true, false]);
  });

  it('empty() is true for null, empty strings, arrays and objects', () => {
    expect([ev('empty(input.none)'), ev("empty('')"), ev('empty([])'), ev('empty({})'), ev('empty(input.list)'), ev('empty(0)')])
      .toEqual([true, true, true, true, false, false]);
  });

  it('now() reads the injected clock as an ISO string', () => {
    expect(ev('now()')).toBe('2026-03-04T05:06:07.089Z');
  });

  it('formatDate() formats in UTC with yyyy MM dd HH mm ss', () => {
    expect(ev("formatDate(now(), 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe('2026-03-04 05:06:07.089');
    expect(ev("formatDate(0, 'yyyy/MM/dd')")).toBe('1970/01/01');
  });

  it('formatDate() refuses something that is not a date', () => {
    expect(fails("formatDate('yesterday', 'yyyy')").code).toBe('EXPR_TYPE');
  });
});

describe('collection functions', () => {
  it('keys() and values() list an object', () => {
    expect([ev('keys(input.obj)'), ev('values(input.obj)')]).toEqual([['a', 'b', 'c'], [1, 2, 3]]);
  });

  it('keys() refuses an array', () => {
    expect(fails('keys(input.list)').code).toBe('EXPR_TYPE');
  });

  it('first() and last() take the ends of arrays and strings', () => {
    expect([ev('first(input.list)'), ev('last(input.list)'), ev("first('xyz')"), ev('first([])')]).toEqual([3, 2, 'x', undefined]);
  });

  it('slice() cuts arrays and strings', () => {
    expect([ev('slice(input.list, 1)'), ev("slice('abcdef', 1, 3)"), ev('slice(input.list, -1)')]).toEqual([[1, 2], 'bc', [2]]);
  });

  it('unique() drops repeated values, comparing by value', () => {
    expect(ev('unique(input.words)')).toEqual(['b', 'a']);
    expect(ev('unique([{a: 1, b: 2}, {b: 2, a: 1}])')).toEqual([{ a: 1, b: 2 }]);
  });

  it('sort() orders numbers or strings, optionally by a key', () => {
    expect([ev('sort(input.list)'), ev('sort(input.words)')]).toEqual([[1, 2, 3], ['a', 'b', 'b']]);
    expect(ev("sort([{n: 2}, {n: 1}], 'n')")).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('sort() refuses mixed types', () => {
    expect(fails("sort([1, 'a'])").code).toBe('EXPR_TYPE');
  });

  it('flatten() flattens one level by default', () => {
    expect([ev('flatten([1, [2, [3]]])'), ev('flatten([1, [2, [3]]], 2)')]).toEqual([[1, 2, [3]], [1, 2, 3]]);
  });

  it('merge() merges objects left to right, skipping null', () => {
    expect(ev('merge(input.obj, input.none, {c: 30, d: 4})')).toEqual({ a: 1, b: 2, c: 30, d: 4 });
  });

  it('pick() and omit() keep or drop keys', () => {
    expect([ev("pick(input.obj, 'a', 'c')"), ev("omit(input.obj, ['a', 'c'])")]).toEqual([{ a: 1, c: 3 }, { b: 2 }]);
  });

  it('range() counts from zero or between two bounds', () => {
    expect([ev('range(3)'), ev('range(2, 5)'), ev('range(-1)')]).toEqual([[0, 1, 2], [2, 3, 4], []]);
  });

  it('range() refuses more items than maxArrayLength', () => {
    expect(fails('range(100001)').code).toBe('EXPR_LIMIT');
  });
});

describe('math functions', () => {
  it('min() and max() take numbers or one array', () => {
    expect([ev('min(3, 1, 2)'), ev('max(input.list)'), ev('min([])')]).toEqual([1, 3, null]);
  });

  it('min() refuses non-numbers', () => {
    expect(fails("min(1, 'a')").code).toBe('EXPR_TYPE');
  });

  it('round(), floor(), ceil() and abs() work on numbers', () => {
    expect([ev('round(2.5)'), ev('round(3.14159, 2)'), ev('floor(1.9)'), ev('ceil(1.1)'), ev('abs(-4)')]).toEqual([3, 3.14, 1, 2, 4]);
  });
});
