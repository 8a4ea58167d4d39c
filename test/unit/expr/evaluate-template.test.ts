import { describe, it, expect } from 'vitest';
import { evaluateTemplate, renderValue } from '../../../src/expr/evaluate.js';
import type { Scope } from '../../../src/expr/evaluate.js';
import { ExprError } from '../../../src/expr/expr-error.js';
import { parseTemplate } from '../../../src/expr/parse-template.js';

const scope: Scope = {
  input: { env: 'prod', replicas: 3, tags: ['a', 'b'], none: null, conf: { x: 1 } },
  tasks: { build: { output: { image: 'app:1' } } },
};

const run = (text: string): unknown => evaluateTemplate(parseTemplate(text), scope);

describe('evaluateTemplate()', () => {
  it('keeps the type of a whole-string expression', () => {
    expect(run('${input.replicas}')).toBe(3);
    expect(run('${input.tags}')).toEqual(['a', 'b']);
    expect(run('${input.none}')).toBeNull();
  });

  it('interpolates into a string otherwise', () => {
    expect(run('deploying ${tasks.build.output.image} to ${input.env}')).toBe('deploying app:1 to prod');
    expect(run('n=${input.replicas}')).toBe('n=3');
  });

  it('writes objects and arrays as JSON and null or missing values as empty text', () => {
    expect(run('${input.conf} ${input.tags}')).toBe('{"x":1} ["a","b"]');
    expect(run('[${input.none}${input.missing}]')).toBe('[]');
  });

  it('returns plain text unchanged', () => {
    expect(run('just text')).toBe('just text');
  });

  it('refuses an interpolated string longer than maxStringLength', () => {
    const template = parseTemplate('${input.env}-${input.env}');
    expect(() => evaluateTemplate(template, scope, { limits: { maxStringLength: 6 } })).toThrow(ExprError);
  });
});

describe('renderValue()', () => {
  it('renders strings deep inside arrays and objects', () => {
    const value = { image: '${tasks.build.output.image}', list: ['${input.replicas}', 'x-${input.env}'], n: 5, ok: true };
    expect(renderValue(value, scope)).toEqual({ image: 'app:1', list: [3, 'x-prod'], n: 5, ok: true });
  });

  it('leaves strings without expressions alone and unescapes $${', () => {
    expect(renderValue(['plain', 'cost $${x}'], scope)).toEqual(['plain', 'cost ${x}']);
  });

  it('returns a copy that does not share objects with the input', () => {
    const input = { nested: { a: 1 } };
    const out = renderValue(input, scope) as { nested: { a: number } };
    expect(out).toEqual(input);
    expect(out.nested).not.toBe(input.nested);
  });

  it('renders the same string twice with the same result', () => {
    expect(renderValue('${input.env}', scope)).toBe('prod');
    expect(renderValue('${input.env}', scope)).toBe('prod');
  });

  it('propagates expression errors', () => {
    expect(() => renderValue({ a: '${foo.bar}' }, scope)).toThrow(expect.objectContaining({ code: 'EXPR_REFERENCE' }));
  });

  it('refuses a __proto__ key in the value', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}}') as unknown;
    expect(() => renderValue(value, scope)).toThrow(expect.objectContaining({ code: 'EXPR_FORBIDDEN' }));
  });
});
