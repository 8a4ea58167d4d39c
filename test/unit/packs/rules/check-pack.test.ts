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
});
