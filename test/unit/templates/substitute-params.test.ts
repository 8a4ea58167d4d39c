import { describe, expect, it } from 'vitest';
import { evaluateTemplate } from '../../../src/expr/evaluate.js';
import { parseTemplate } from '../../../src/expr/parse-template.js';
import { findParamRefs, splitExpressions } from '../../../src/templates/scan-expressions.js';
import { expressionLiteral, substituteParams } from '../../../src/templates/substitute-params.js';

const values = { service: 'api', replicas: 3, announce: true, options: { normalize: true }, empty: null };

describe('splitExpressions()', () => {
  it('keeps braces inside quoted strings within one expression', () => {
    expect(splitExpressions(`a \${fromJSON('{"x": "}"}')} b`)).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expr', body: `fromJSON('{"x": "}"}')` },
      { kind: 'text', text: ' b' },
    ]);
  });

  it('leaves an unterminated expression as text', () => {
    expect(splitExpressions('cost: ${param.x')).toEqual([{ kind: 'text', text: 'cost: ${param.x' }]);
  });
});

describe('findParamRefs()', () => {
  it('finds dotted and bracketed references', () => {
    expect(findParamRefs(`param.a + param['b']`).map((ref) => ref.name)).toEqual(['a', 'b']);
  });

  it('ignores param inside string literals and as a property name', () => {
    expect(findParamRefs(`'param.a' + tasks.param.output`)).toEqual([]);
  });
});

describe('expressionLiteral()', () => {
  it('writes strings, numbers, booleans, null and objects as expression literals', () => {
    expect(expressionLiteral("it's")).toBe(`"it's"`);
    expect(expressionLiteral(-2)).toBe('(-2)');
    expect(expressionLiteral(false)).toBe('false');
    expect(expressionLiteral(null)).toBe('null');
    expect(expressionLiteral({ a: [1] })).toBe(`fromJSON("{\\"a\\":[1]}")`);
  });
});

describe('substituteParams()', () => {
  it('keeps the type of a value when the string is exactly one reference', () => {
    expect(substituteParams({ n: '${param.replicas}', o: '${ param.options }' }, values, 't.x')).toEqual({
      n: 3,
      o: { normalize: true },
    });
  });

  it('interpolates references inside longer strings', () => {
    expect(substituteParams('deploy ${param.service} x${param.replicas} ${param.options}${param.empty}', values, 't.x')).toBe(
      'deploy api x3 {"normalize":true}',
    );
  });

  it('leaves run-time expressions untouched', () => {
    const input = { image: '${tasks.build.output.image}', note: 'to ${input.env} for ${param.service}' };
    expect(substituteParams(input, values, 't.x')).toEqual({
      image: '${tasks.build.output.image}',
      note: 'to ${input.env} for api',
    });
  });

  it('turns a reference inside a larger expression into a literal', () => {
    expect(substituteParams('${upper(param.service)}: ${length(tasks.f.output.rows)}', values, 't.x')).toBe(
      '${upper("api")}: ${length(tasks.f.output.rows)}',
    );
  });

  it('keeps expression fields as expressions', () => {
    expect(substituteParams('${param.announce}', values, 't.x', 'expression')).toBe('${true}');
  });

  it('throws TEMPLATE_PARAM_INVALID for an undeclared parameter', () => {
    expect(() => substituteParams('${param.nope}', values, 'ci.pipe')).toThrowError(
      expect.objectContaining({
        code: 'TEMPLATE_PARAM_INVALID',
        message: "template 'ci.pipe' uses parameter 'nope', which it does not declare",
        details: { parameter: 'nope', template: 'ci.pipe' },
      }),
    );
  });
});

describe('substituteParams() with the run-time evaluator', () => {
  const evaluate = (text: string, scope: Record<string, unknown>): unknown => evaluateTemplate(parseTemplate(text), scope);

  it('produces expressions the evaluator reads back with the parameter values', () => {
    const text = substituteParams('${upper(param.service)} x${param.replicas + 1} ${param.options.normalize}', values, 't.x');
    expect(evaluate(text as string, {})).toBe('API x4 true');
  });

  it('keeps a value containing ${ as literal text instead of an expression', () => {
    const text = substituteParams('hello ${param.who}', { who: '${env.SECRET}' }, 't.x') as string;
    expect(evaluate(text, { env: { SECRET: 'leaked' } })).toBe('hello ${env.SECRET}');
  });

  it('escapes a whole-string value containing ${ too', () => {
    const value = substituteParams('${param.who}', { who: 'x ${input.a}' }, 't.x') as string;
    expect(evaluate(value, { input: { a: 1 } })).toBe('x ${input.a}');
  });

  it('keeps escaped $${ in the template as it is', () => {
    expect(substituteParams('cost $${param.x}', values, 't.x')).toBe('cost $${param.x}');
  });

  it('refuses a value ending in $ placed before an expression', () => {
    expect(() => substituteParams('${param.a}${tasks.b.output}', { a: 'x$' }, 't.x')).toThrowError(
      expect.objectContaining({ code: 'TEMPLATE_PARAM_INVALID' }),
    );
  });
});
