import { describe, it, expect } from 'vitest';
import { evaluateExpression } from '../../../src/expr/evaluate.js';
import type { Scope } from '../../../src/expr/evaluate.js';
import { ExprError } from '../../../src/expr/expr-error.js';
import { parseExpression } from '../../../src/expr/parse-expression.js';

const scope: Scope = {
  input: { env: 'prod', replicas: 3, tags: ['a', 'b'], flag: false, nothing: null, nested: { deep: { x: 1 } } },
  tasks: { build: { status: 'completed', output: { image: 'app:1', count: 0 } } },
  context: { region: 'eu-west-1' },
  env: { BUILD_NUMBER: '42' },
  state: {},
};

const ev = (source: string, s: Scope = scope, limits = {}): unknown => evaluateExpression(parseExpression(source), s, { limits });

function evalError(source: string, s: Scope = scope, limits = {}): ExprError {
  try {
    ev(source, s, limits);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected '${source}' to fail`);
}

describe('evaluateExpression()', () => {
  it('reads nested members and indexes', () => {
    expect(ev("tasks['build'].output.image")).toBe('app:1');
    expect(ev('input.tags[1]')).toBe('b');
  });

  it('evaluates arithmetic with the usual precedence', () => {
    expect(ev('1 + 2 * 3 - 8 / 4 % 3')).toBe(5);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('-input.replicas + +2')).toBe(-1);
  });

  it('compares with strict equality and no coercion', () => {
    expect(ev("1 == '1'")).toBe(false);
    expect(ev('0 == false')).toBe(false);
    expect(ev("input.env == 'prod'")).toBe(true);
    expect(ev("1 != '1'")).toBe(true);
  });

  it('compares arrays and objects by value', () => {
    expect(ev("input.tags == ['a', 'b']")).toBe(true);
    expect(ev('{a: 1, b: [2]} == {b: [2], a: 1}')).toBe(true);
  });

  it('treats a missing value as equal to null', () => {
    expect(ev('state.missing == null')).toBe(true);
    expect(ev('input.nothing == null')).toBe(true);
  });

  it('orders numbers and strings but refuses mixed comparisons', () => {
    expect(ev('2 < 10')).toBe(true);
    expect(ev("'b' >= 'a'")).toBe(true);
    expect(evalError("2 < '10'").code).toBe('EXPR_TYPE');
  });

  it('concatenates when either side of + is a string', () => {
    expect(ev("'n' + 1")).toBe('n1');
    expect(ev("input.tags + '!'")).toBe('["a","b"]!');
    expect(ev("'x' + state.missing")).toBe('x');
  });

  it('refuses arithmetic on non-numbers', () => {
    const error = evalError('input.env * 2');
    expect(error.code).toBe('EXPR_TYPE');
    expect(error.message).toContain("in 'input.env * 2'");
    expect(evalError('true + 1').code).toBe('EXPR_TYPE');
  });

  it('refuses division by zero', () => {
    const error = evalError('input.replicas / tasks.build.output.count');
    expect(error.code).toBe('EXPR_TYPE');
    expect(error.message).toContain('division by zero');
    expect(evalError('5 % 0').code).toBe('EXPR_TYPE');
  });

  it('short-circuits && and || and returns operand values', () => {
    expect(ev("input.flag && unknown_root.x")).toBe(false);
    expect(ev("input.env || unknown_root.x")).toBe('prod');
    expect(ev("input.nothing || 'fallback'")).toBe('fallback');
    expect(ev("input.env && input.replicas")).toBe(3);
  });

  it('applies ! to truthiness', () => {
    expect(ev('!input.flag')).toBe(true);
    expect(ev("!''")).toBe(true);
    expect(ev('!input.tags')).toBe(false);
  });

  it('evaluates only the chosen branch of ?:', () => {
    expect(ev("input.replicas > 2 ? 'big' : unknown_root")).toBe('big');
  });

  it('reads members of null and missing values as undefined', () => {
    expect(ev('input.nothing.deeper.still')).toBeUndefined();
    expect(ev('tasks.deploy.output.image')).toBeUndefined();
    expect(ev('state.a[0].b')).toBeUndefined();
  });

  it('reads .length of strings and arrays', () => {
    expect(ev('input.env.length')).toBe(4);
    expect(ev("input.tags['length']")).toBe(2);
  });

  it('reads missing or inherited names as undefined', () => {
    expect(ev('input.hasOwnProperty')).toBeUndefined();
    expect(ev('input.toString')).toBeUndefined();
    expect(ev('input.replicas.toFixed')).toBeUndefined();
  });

  it('refuses an unknown root name', () => {
    const error = evalError('foo.bar');
    expect(error.code).toBe('EXPR_REFERENCE');
    expect(error.message).toContain("unknown name 'foo'");
    expect([error.start, error.end]).toEqual([0, 3]);
  });

  it('reads a known namespace missing from the scope as undefined', () => {
    expect(ev('param.name', {})).toBeUndefined();
  });

  it('reads item and item_index when the scope has them', () => {
    expect(ev('item.name + item_index', { item: { name: 'x' }, item_index: 2 })).toBe('x2');
  });

  it('refuses an index that is not a string or a number', () => {
    expect(evalError('input.tags[true]').code).toBe('EXPR_TYPE');
  });

  it('builds arrays and objects from literals', () => {
    expect(ev("[1, input.env, {k: input.replicas}]")).toEqual([1, 'prod', { k: 3 }]);
  });

  it('returns copies, not the scope objects themselves', () => {
    const result = ev('input.nested') as { deep: { x: number } };
    expect(result).toEqual({ deep: { x: 1 } });
    result.deep.x = 99;
    expect(ev('input.nested.deep.x')).toBe(1);
  });

  it('turns undefined array items into null in the result', () => {
    expect(ev('[state.missing, 1]')).toEqual([null, 1]);
  });

  it('points evaluation errors at the failing node', () => {
    const error = evalError("1 + (input.env - 1)");
    expect([error.start, error.end]).toEqual([5, 18]);
  });

  it('stops after maxSteps node visits', () => {
    const error = evalError('1 + 1 + 1 + 1 + 1', scope, { maxSteps: 5 });
    expect(error.code).toBe('EXPR_LIMIT');
  });

  it('refuses strings longer than maxStringLength', () => {
    const error = evalError("input.env + input.env", scope, { maxStringLength: 6 });
    expect(error.code).toBe('EXPR_LIMIT');
  });
});
