import { describe, it, expect } from 'vitest';
import { parseExpression } from '../../../src/expr/parse-expression.js';
import { collectReferences } from '../../../src/expr/references.js';

const refs = (source: string) => collectReferences(parseExpression(source));

describe('collectReferences()', () => {
  it('returns the namespace and literal path of a member chain', () => {
    expect(refs('tasks.build.output.x')).toEqual([{ namespace: 'tasks', path: ['build', 'output', 'x'], start: 0, end: 20 }]);
  });

  it('follows literal bracket access', () => {
    expect(refs("tasks['build'].status")).toEqual([{ namespace: 'tasks', path: ['build', 'status'], start: 0, end: 21 }]);
    expect(refs('input.regions[0]')[0]?.path).toEqual(['regions', '0']);
  });

  it('stops the path at the first computed index and reports the index too', () => {
    expect(refs('tasks[input.name].output')).toEqual([
      { namespace: 'tasks', path: [], start: 0, end: 5 },
      { namespace: 'input', path: ['name'], start: 6, end: 16 },
    ]);
  });

  it('finds references in calls, operators and literals in source order', () => {
    const found = refs("default(state.last, 'x') == context.a ? [env.B] : {k: param.p}");
    expect(found.map((r) => r.namespace)).toEqual(['state', 'context', 'env', 'param']);
  });

  it('reports unknown roots too', () => {
    expect(refs('foo.bar')).toEqual([{ namespace: 'foo', path: ['bar'], start: 0, end: 7 }]);
  });

  it('reports a bare root with an empty path', () => {
    expect(refs('item_index + 1')).toEqual([{ namespace: 'item_index', path: [], start: 0, end: 10 }]);
  });

  it('reports nothing for literals', () => {
    expect(refs("1 + length('abc')")).toEqual([]);
  });

  it('reports the base of a member on a call result', () => {
    expect(refs('fromJSON(input.raw).a')).toEqual([{ namespace: 'input', path: ['raw'], start: 9, end: 18 }]);
  });
});
