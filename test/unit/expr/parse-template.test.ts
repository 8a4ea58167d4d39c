import { describe, it, expect } from 'vitest';
import { ExprError } from '../../../src/expr/expr-error.js';
import { hasExpression, parseTemplate } from '../../../src/expr/parse-template.js';

function templateError(text: string): ExprError {
  try {
    parseTemplate(text);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected '${text}' to fail`);
}

describe('parseTemplate()', () => {
  it('marks a string that is exactly one expression as whole', () => {
    const parsed = parseTemplate('${input.replicas}');
    expect(parsed.whole).toBe(true);
    expect(parsed.parts).toMatchObject([{ kind: 'expr', source: 'input.replicas', start: 0, end: 17 }]);
  });

  it('splits text and expressions', () => {
    const parsed = parseTemplate('deploying ${tasks.build.output.image} to ${input.env}');
    expect(parsed.whole).toBe(false);
    expect(parsed.parts.map((p) => p.kind)).toEqual(['text', 'expr', 'text', 'expr']);
    expect(parsed.parts[3]).toMatchObject({ source: 'input.env', start: 41, end: 53 });
  });

  it('does not count surrounding whitespace as part of a whole expression', () => {
    expect(parseTemplate(' ${input.x}').whole).toBe(false);
  });

  it('returns plain text as a single text part', () => {
    expect(parseTemplate('no expressions here')).toEqual({ parts: [{ kind: 'text', text: 'no expressions here' }], whole: false });
  });

  it('reads $${ as a literal ${', () => {
    expect(parseTemplate('cost: $${HOME} ${input.x}').parts[0]).toEqual({ kind: 'text', text: 'cost: ${HOME} ' });
  });

  it('does not close an expression on a } inside a quoted string', () => {
    const parsed = parseTemplate("${format('{0}}', input.x)} tail");
    expect(parsed.parts[0]).toMatchObject({ kind: 'expr', source: "format('{0}}', input.x)" });
  });

  it('skips the braces of object literals', () => {
    expect(parseTemplate('${ {a: 1}.a }').parts).toHaveLength(1);
  });

  it('reports an unclosed ${ at its offset', () => {
    const error = templateError('hello ${input.name');
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.message).toBe("unclosed expression: '${' at offset 6 has no matching '}'");
    expect(error.start).toBe(6);
  });

  it('reports a } in an unterminated string as unclosed', () => {
    expect(templateError("${'abc}").message).toContain('unclosed expression');
  });

  it('reports syntax errors with offsets into the template', () => {
    const error = templateError('abc ${input.a # 1}');
    expect(error.code).toBe('EXPR_SYNTAX');
    expect(error.start).toBe(14);
  });

  it('reports an unknown function with offsets into the template', () => {
    const error = templateError('x${ nope(1) }');
    expect(error.code).toBe('EXPR_UNKNOWN_FUNCTION');
    expect([error.start, error.end]).toEqual([4, 8]);
  });

  it('refuses an empty expression', () => {
    expect(templateError('${}').code).toBe('EXPR_SYNTAX');
  });
});

describe('hasExpression()', () => {
  it('finds an expression', () => {
    expect(hasExpression('a ${b} c')).toBe(true);
  });

  it('ignores plain text and escaped ${', () => {
    expect(hasExpression('plain $HOME {x}')).toBe(false);
    expect(hasExpression('$${literal}')).toBe(false);
  });
});
