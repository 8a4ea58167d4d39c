import { describe, expect, it } from 'vitest';
import { diffLines, formatUnifiedDiff } from '../../../src/gitops/line-diff.js';

describe('diffLines()', () => {
  it('keeps common lines and marks deletions and insertions', () => {
    expect(diffLines('a\nb\nc\n', 'a\nx\nc\n')).toEqual([
      { kind: 'equal', line: 'a' },
      { kind: 'delete', line: 'b' },
      { kind: 'insert', line: 'x' },
      { kind: 'equal', line: 'c' },
    ]);
  });

  it('finds the longest common subsequence when lines move', () => {
    const ops = diffLines('a\nb\nc\nd\n', 'b\nc\nd\na\n');
    expect(ops.filter((op) => op.kind === 'equal').map((op) => op.line)).toEqual(['b', 'c', 'd']);
  });

  it('treats an empty text as no lines', () => {
    expect(diffLines('', 'a\n')).toEqual([{ kind: 'insert', line: 'a' }]);
  });
});

describe('formatUnifiedDiff()', () => {
  it('renders hunks with three lines of context, like diff -u', () => {
    const before = ['version: 1.0.0', 'description: one', 'tasks:', '  a:', '    action: core.noop', ''].join('\n');
    const after = ['version: 1.0.0', 'description: two', 'tasks:', '  a:', '    action: core.noop', ''].join('\n');
    expect(formatUnifiedDiff(before, after, { fromLabel: 'v1', toLabel: 'v2' })).toMatchInlineSnapshot(`
      "--- v1
      +++ v2
      @@ -1,5 +1,5 @@
       version: 1.0.0
      -description: one
      +description: two
       tasks:
         a:
           action: core.noop
      "
    `);
  });

  it('splits distant changes into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 19', 'line nineteen');
    const diff = formatUnifiedDiff(before, after, { context: 1 });
    expect(diff.split('\n').filter((line) => line.startsWith('@@'))).toEqual(['@@ -1,3 +1,3 @@', '@@ -18,3 +18,3 @@']);
  });

  it('writes an empty side as start,0', () => {
    expect(formatUnifiedDiff('', 'a\n')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n');
  });

  it('returns an empty string for equal texts', () => {
    expect(formatUnifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });
});
