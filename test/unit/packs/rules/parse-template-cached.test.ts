import { describe, it, expect } from 'vitest';
import { isExprError } from '../../../../src/expr/expr-error.js';
import { parseTemplate } from '../../../../src/expr/parse-template.js';
import { parseTemplateCached, refsOfCached } from '../../../../src/packs/rules/parse-template-cached.js';

describe('parseTemplateCached()', () => {
  it('parses like parseTemplate', () => {
    const text = 'to ${input.env} in ${context.region}';
    expect(parseTemplateCached(text)).toEqual(parseTemplate(text));
  });

  it('parses a string once and shares the result', () => {
    const text = '${tasks.build.output.image}';
    expect(parseTemplateCached(text)).toBe(parseTemplateCached(text));
  });

  it('throws the same expression error every time', () => {
    const catchIt = (): unknown => {
      try {
        parseTemplateCached('${input.}');
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const first = catchIt();
    expect(isExprError(first)).toBe(true);
    expect(catchIt()).toBe(first);
  });
});

describe('refsOfCached()', () => {
  it('lists the references of a parsed expression', () => {
    const part = parseTemplateCached('${tasks.a.output.x + input.n}').parts[0];
    if (part?.kind !== 'expr') throw new Error('expected an expression');
    expect(refsOfCached(part.ast).map((r) => [r.root, ...r.path])).toEqual([
      ['tasks', 'a', 'output', 'x'],
      ['input', 'n'],
    ]);
  });
});
