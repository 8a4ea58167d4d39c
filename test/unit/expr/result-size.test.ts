import { describe, expect, it } from 'vitest';
import { ExprError } from '../../../src/expr/expr-error.js';
import { DEFAULT_EXPR_LIMITS, evaluateTemplate, parseTemplate, renderValue } from '../../../src/expr/index.js';

const MB = 1_000_000;
const s = 'x'.repeat(MB);

function thrown(fn: () => unknown): ExprError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error('expected an ExprError');
}

describe('expression results charged by size', () => {
  it('publishes a 2 MiB default', () => {
    expect(DEFAULT_EXPR_LIMITS.maxResultSize).toBe(2 * 1024 * 1024);
  });

  it('lets one reference to a 1 MB input through', () => {
    expect(renderValue('${input.s}', { input: { s } })).toBe(s);
  });

  it('refuses an array repeating a 1 MB input with EXPR_LIMIT naming the limit', () => {
    // As many references as the 4096-character expression limit allows.
    const refs = Array(400).fill('input.s').join(', ');
    const error = thrown(() => evaluateTemplate(parseTemplate(`\${[${refs}]}`), { input: { s } }));
    expect(error.code).toBe('EXPR_LIMIT');
    expect(error.message).toContain('maxResultSize');
  });

  it('charges every template of one rendering against one allowance', () => {
    const input: Record<string, string> = {};
    for (let i = 0; i < 10; i++) input[`k${i}`] = '${input.s}';
    const error = thrown(() => renderValue(input, { input: { s } }));
    expect(error.code).toBe('EXPR_LIMIT');
  });

  it('charges a large object referenced many times by its size, not its reference', () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) big[`key${i}`] = 'v'.repeat(100);
    const refs = Array(5).fill('input.big').join(', ');
    expect(thrown(() => renderValue(`\${[${refs}]}`, { input: { big } })).code).toBe('EXPR_LIMIT');
    expect(() => renderValue('${input.big}', { input: { big } })).not.toThrow();
  });

  it('follows a lower limit given by the caller', () => {
    expect(thrown(() => renderValue('${[input.a, input.a]}', { input: { a: 'y'.repeat(100) } }, { limits: { maxResultSize: 150 } })).code).toBe('EXPR_LIMIT');
  });
});
