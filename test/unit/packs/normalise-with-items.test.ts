import { describe, expect, it } from 'vitest';
import { evaluateTemplate, parseTemplate } from '../../../src/expr/index.js';
import { normaliseWithItems } from '../../../src/packs/normalise-with-items.js';

const run = (value: unknown, input: Record<string, unknown> = {}) =>
  evaluateTemplate(parseTemplate(normaliseWithItems(value) ?? ''), { input } as Parameters<typeof evaluateTemplate>[1]);

describe('normaliseWithItems()', () => {
  it('keeps an expression string as it is', () => {
    expect(normaliseWithItems('${tasks.list.output}')).toBe('${tasks.list.output}');
  });

  it('turns a literal list into an expression that gives the same list, quotes and braces included', () => {
    expect(run(['eu', "us's", { region: 'x}' }, 3, null])).toEqual(['eu', "us's", { region: 'x}' }, 3, null]);
  });

  it('evaluates the items that are a whole ${...}', () => {
    expect(run(['eu', '${input.extra}'], { extra: 'ap' })).toEqual(['eu', 'ap']);
  });

  it('leaves other values alone', () => {
    expect(normaliseWithItems(42)).toBeUndefined();
  });
});
