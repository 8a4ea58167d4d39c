import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

const template = (parent: string) => `version: 1.0.0\nextends: ${parent}\nworkflow:\n  tasks:\n    a: { action: core.noop }\n`;

describe('checkExtends()', () => {
  it('reports an unknown parent with a hint', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/templates/base.yaml': template('demo.child').replace(/extends.*\n/, ''), 'demo/templates/child.yaml': template('demo.bsae') });
    expect(diags).toMatchObject([{ code: 'TEMPLATE_UNKNOWN_PARENT', line: 2, hint: "did you mean 'demo.base'?" }]);
  });

  it('reports templates that extend each other', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/templates/a.yaml': template('demo.b'), 'demo/templates/b.yaml': template('demo.a') });
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual(['demo/templates/a.yaml TEMPLATE_EXTENDS_CYCLE', 'demo/templates/b.yaml TEMPLATE_EXTENDS_CYCLE']);
  });

  it('requires a parent of another pack to be a dependency', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/templates/child.yaml': template('lib.base'),
      'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
      'lib/templates/base.yaml': template('x.y').replace(/extends.*\n/, ''),
    });
    expect(diags).toMatchObject([{ code: 'PACK_UNDECLARED_DEPENDENCY', file: 'demo/templates/child.yaml', line: 2 }]);
  });
});
