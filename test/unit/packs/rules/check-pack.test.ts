import { describe, it, expect } from 'vitest';
import { validateTree } from '../pack-tree.js';

describe('checkPack()', () => {
  it('reports a ref that differs from the directory name at the ref line', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': 'label: Demo\nref: demo_pack\nversion: 1.0.0\n' });
    expect(diags).toMatchObject([{ code: 'PACK_REF_MISMATCH', line: 2, column: 6 }]);
  });

  it('reports a dependency that is no pack, with a hint', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies:\n  - plaform\n',
      'platform/pack.yaml': 'ref: platform\nversion: 1.0.0\n',
    });
    expect(diags).toMatchObject([{ code: 'PACK_UNKNOWN_DEPENDENCY', line: 4, hint: "did you mean 'platform'?" }]);
  });

  it('reports pack.yaml typos, a missing version and a version that is not semver', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': 'ref: demo\ndependancies: []\n', 'other/pack.yaml': 'ref: other\nversion: one\n' });
    expect(diags.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      'demo/pack.yaml:1 SCHEMA_REQUIRED',
      'demo/pack.yaml:2 SCHEMA_UNKNOWN_KEY',
      'other/pack.yaml:2 SCHEMA_PATTERN',
    ]);
  });

  it('reports a cycle between pack dependencies on every pack of it', async () => {
    const diags = await validateTree({
      'a/pack.yaml': 'ref: a\nversion: 1.0.0\ndependencies: [b]\n',
      'b/pack.yaml': 'ref: b\nversion: 1.0.0\ndependencies: [c]\n',
      'c/pack.yaml': 'ref: c\nversion: 1.0.0\ndependencies: [a]\n',
      'd/pack.yaml': 'ref: d\nversion: 1.0.0\ndependencies: [a]\n',
    });
    expect(diags.map((d) => `${d.file} ${d.code} ${d.pointer} ${d.message}`)).toEqual([
      'a/pack.yaml PACK_DEPENDENCY_CYCLE /dependencies/0 packs depend on each other in a cycle: a → b → c → a',
      'b/pack.yaml PACK_DEPENDENCY_CYCLE /dependencies/0 packs depend on each other in a cycle: b → c → a → b',
      'c/pack.yaml PACK_DEPENDENCY_CYCLE /dependencies/0 packs depend on each other in a cycle: c → a → b → c',
    ]);
  });
});
