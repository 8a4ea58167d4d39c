import { describe, it, expect } from 'vitest';
import { PACK_YAML, validateTree } from '../pack-tree.js';

describe('checkEntryPoint()', () => {
  it('reports an entry point that is not in actions/ at the entry_point line', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/actions/scan.yaml': 'description: Scan\nrunner: shell\nentry_point: scan.sh\n' });
    expect(diags).toMatchObject([{ code: 'ACTION_ENTRY_POINT_MISSING', line: 3, column: 14 }]);
  });

  it('refuses an entry point outside actions/', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/actions/scan.yaml': 'runner: node\nentry_point: ../pack.yaml\n' });
    expect(diags.map((d) => d.code)).toEqual(['ACTION_ENTRY_POINT_MISSING']);
  });

  it('reports a runner that is not shell, node or http', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/actions/scan.yaml': 'runner: bash\nentry_point: scan.sh\n', 'demo/actions/scan.sh': '' });
    expect(diags).toMatchObject([{ code: 'SCHEMA_ENUM', line: 1, message: "'runner' is 'bash'; it must be one of: shell, node, http" }]);
  });
});
