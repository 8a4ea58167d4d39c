import { describe, expect, it } from 'vitest';
import { PACK_YAML, validateTree } from './pack-tree.js';

const WORKFLOW = 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n';

describe('files the loader does not read', () => {
  it('are reported, one warning each, with the folder or name that would be read', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/ok.yaml': WORKFLOW,
      'demo/workflows/nested/deep.yaml': WORKFLOW,
      'demo/workflows/export.json': '{}',
      'demo/workflows/README.md': 'notes\n',
      'demo/workflow/typo.yaml': WORKFLOW,
      'demo/deploy.yaml': WORKFLOW,
      'demo/scripts/run.sh': '#!/bin/sh\n',
    });
    expect(diags.map((d) => `${d.severity} ${d.code} ${d.file} | ${d.hint ?? ''}`)).toEqual([
      "warning PACK_FILE_IGNORED demo/deploy.yaml | move it into workflows/, templates/ or actions/",
      "warning PACK_FILE_IGNORED demo/workflow | did you mean 'workflows'?",
      "warning PACK_FILE_IGNORED demo/workflows/export.json | rename it to 'export.yaml' if it is a definition",
      'warning PACK_FILE_IGNORED demo/workflows/nested | move the files up into workflows/',
    ]);
    expect(diags[1]?.message).toBe("folder 'workflow/' is not read: only workflows/, templates/ and actions/ are, so its 1 YAML file is neither checked nor synced");
  });

  it('says nothing about a pack laid out as the loader expects', async () => {
    expect(
      await validateTree({
        'demo/pack.yaml': PACK_YAML,
        'demo/workflows/ok.yaml': WORKFLOW,
        'demo/actions/build.yaml': 'runner: shell\nentry_point: lib/build.sh\n',
        'demo/actions/lib/build.sh': '#!/bin/sh\n',
      }),
    ).toEqual([]);
  });
});

describe('validating nothing', () => {
  it('is an error for a folder that holds no pack', async () => {
    const diags = await validateTree({ 'README.md': 'x\n' });
    expect(diags).toMatchObject([{ code: 'PACK_NOTHING_TO_VALIDATE', severity: 'error', file: '' }]);
  });
});
