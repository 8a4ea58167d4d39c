import { describe, it, expect } from 'vitest';
import { ExprError } from '../../../src/expr/expr-error.js';
import { EXPR_FUNCTIONS } from '../../../src/expr/functions.js';
import { DEFAULT_EXPR_LIMITS } from '../../../src/expr/limits.js';
import { parseExpression } from '../../../src/expr/parse-expression.js';

function parseError(source: string, limits = {}): ExprError {
  try {
    parseExpression(source, limits);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected '${source}' to fail`);
}

describe('parseExpression()', () => {
  it('parses a member chain with offsets on every node', () => {
    const ast = parseExpression('tasks.build.output');
    expect(ast).toMatchObject({
      kind: 'member',
      property: 'output',
      start: 0,
      end: 18,
      object: { kind: 'member', property: 'build', start: 0, end: 11, object: { kind: 'identifier', name: 'tasks', start: 0, end: 5 } },
    });
  });

  it('gives multiplication precedence over addition', () => {
    expect(parseExpression('1 + 2 * 3')).toMatchObject({
      kind: 'binary',
      operator: '+',
      left: { kind: 'literal', value: 1 },
      right: { kind: 'binary', operator: '*', start: 4, end: 9 },
    });
  });

  it('binds && tighter than ||', () => {
    expect(parseExpression('a || b && c')).toMatchObject({ operator: '||', right: { operator: '&&' } });
  });

  it('makes the conditional operator right-associative', () => {
    expect(parseExpression('a ? b : c ? d : e')).toMatchObject({ kind: 'conditional', alternate: { kind: 'conditional' } });
  });

  it('decodes escapes in single and double quoted strings', () => {
    expect(parseExpression(`'it\\'s\\n'`)).toMatchObject({ kind: 'literal', value: "it's\n" });
    expect(parseExpression('"say \\"hi\\" \\u0041"')).toMatchObject({ kind: 'literal', value: 'say "hi" A' });
  });

  it('parses numbers with fractions and exponents', () => {
    expect(parseExpression('1.5e3')).toMatchObject({ kind: 'literal', value: 1500 });
  });

  it('parses true, false and null as literals', () => {
    expect(parseExpression('[true, false, null]')).toMatchObject({
      kind: 'array',
      elements: [{ value: true }, { value: false }, { value: null }],
    });
  });

  it('parses index access with strings, numbers and expressions', () => {
    expect(parseExpression("a['b'][0][c]")).toMatchObject({
      kind: 'index',
      index: { kind: 'identifier', name: 'c' },
      object: { kind: 'index', index: { value: 0 }, object: { kind: 'index', index: { value: 'b' } } },
    });
  });

  it('parses object literals with name, string and number keys', () => {
    expect(parseExpression("{a: 1, 'b c': 2, 3: 4}")).toMatchObject({
      kind: 'object',
      entries: [{ key: 'a' }, { key: 'b c' }, { key: '3' }],
    });
  });

  it('parses a call to a library function', () => {
    expect(parseExpression("join(input.list, ',')")).toMatchObject({ kind: 'call', name: 'join', start: 0, end: 21 });
  });

  it('reports an unknown function at parse time with the known ones', () => {
    const error = parseError('lenght(input.x)');
    expect(error.code).toBe('EXPR_UNKNOWN_FUNCTION');
    expect(error.message).toContain("unknown function 'lenght'");
    expect(error.message).toContain(EXPR_FUNCTIONS.join(', '));
    expect([error.start, error.end]).toEqual([0, 6]);
  });

  it('refuses a wrong number of arguments', () => {
    const error = parseError('lower(a, b)');
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.message).toContain('lower() takes 1 argument(s), got 2');
  });

  it('refuses method calls', () => {
    expect(parseError('input.name.toUpperCase()').code).toBe('EXPR_SYNTAX');
  });

  it('reports a bad character at its offset', () => {
    const error = parseError('input.a # 2');
    expect(error.code).toBe('EXPR_SYNTAX');
    expect([error.start, error.end]).toEqual([8, 9]);
    expect(error.message).toContain("unexpected character '#' at offset 8");
  });

  it('reports a misplaced token at its offset', () => {
    const error = parseError('1 + * 2');
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.start).toBe(4);
  });

  it('reports a missing closing bracket at the end', () => {
    const error = parseError('a[1');
    expect(error.message).toContain("expected ']' to close the index");
    expect(error.start).toBe(3);
  });

  it('reports an unterminated string', () => {
    expect(parseError("'abc").message).toContain('unterminated string starting at offset 0');
  });

  it('refuses an empty expression', () => {
    expect(parseError('  ').code).toBe('EXPR_SYNTAX');
  });

  it('refuses an expression longer than maxLength', () => {
    const error = parseError('1 + 1', { maxLength: 3 });
    expect(error.code).toBe('EXPR_LIMIT');
    expect(DEFAULT_EXPR_LIMITS.maxLength).toBe(4096);
  });

  it('refuses parentheses nested deeper than maxDepth', () => {
    expect(parseError(`${'('.repeat(100)}1${')'.repeat(100)}`).code).toBe('EXPR_LIMIT');
  });

  it('refuses operator chains deeper than maxDepth', () => {
    expect(parseError(Array.from({ length: 100 }, () => '1').join(' + ')).code).toBe('EXPR_LIMIT');
  });

  it('refuses long unary chains', () => {
    expect(parseError(`${'!'.repeat(2000)}true`).code).toBe('EXPR_LIMIT');
  });

  it('accepts nesting up to the limit', () => {
    expect(() => parseExpression(`${'('.repeat(30)}1${')'.repeat(30)}`)).not.toThrow();
  });
});
