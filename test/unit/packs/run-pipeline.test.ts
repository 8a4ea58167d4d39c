import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { runPipeline, validatePackDir } from '../../../src/packs/run-pipeline.js';
import { PACK_YAML, removeTree, writeTree } from './pack-tree.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('runPipeline()', () => {
  it('validates the example packs of the repository without errors', async () => {
    const result = await runPipeline([path.join(repo, 'packs')]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.packs.map((p) => p.ref)).toEqual(['approvals', 'ci_cd', 'data_pipeline']);
    expect(result.file_count).toBeGreaterThan(5);
  });

  it('names files as the user named the input: relative in, relative out', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: nope }\n' });
    try {
      const relative = path.relative(process.cwd(), path.join(root, 'packs'));
      const result = await runPipeline([relative]);
      expect(result.diagnostics.map((d) => d.file)).toEqual([path.join(relative, 'demo/workflows/flow.yaml')]);
    } finally {
      await removeTree(root);
    }
  });

  it('loads the whole pack for a single file but reports only that file', async () => {
    const root = await writeTree({
      'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n',
      'demo/workflows/good.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.workflow, input: { workflow: demo.bad } }\n  b: { action: lib.go }\n',
      'demo/workflows/bad.yaml': 'version: 1.0.0\ntasks:\n  a: { action: nope }\n',
      'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
      'lib/actions/go.yaml': 'runner: http\n',
    });
    try {
      const good = path.join(root, 'packs/demo/workflows/good.yaml');
      const result = await runPipeline([good]);
      expect(result.diagnostics).toEqual([]);
      expect(result.packs.map((p) => p.files.map((f) => f.file))).toEqual([['workflows/good.yaml']]);
      const bad = await runPipeline([path.join(root, 'packs/demo/workflows/bad.yaml')]);
      expect(bad.diagnostics.map((d) => d.code)).toEqual(['ACTION_UNKNOWN']);
    } finally {
      await removeTree(root);
    }
  });

  it('reports a path that does not exist', async () => {
    const result = await runPipeline(['no/such/dir']);
    expect(result.diagnostics).toMatchObject([{ code: 'PACK_PATH_NOT_FOUND', file: path.normalize('no/such/dir') }]);
  });

  it('returns normalised bodies for the registrar', async () => {
    const result = await runPipeline([path.join(repo, 'packs/data_pipeline')]);
    const backfill = result.packs[0]?.files.find((f) => f.ref === 'data_pipeline.backfill');
    expect(backfill?.kind).toBe('workflow');
    expect(backfill?.body).toMatchObject({ tasks: [{ id: 'plan' }, { id: 'fetch' }, { id: 'transform' }, { id: 'analyze', condition: '${tasks.transform.output.rows > 0}' }] });
  });
});

describe('validatePackDir()', () => {
  it('validates one pack, resolving other packs only through known refs', async () => {
    const root = await writeTree({
      'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n',
      'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: lib.go }\n',
    });
    try {
      const dir = path.join(root, 'packs/demo');
      const alone = await validatePackDir(dir, { displayRoot: 'packs/demo' });
      expect(alone.files.flatMap((f) => f.diagnostics.map((d) => `${d.file} ${d.code}`))).toEqual([
        'packs/demo/pack.yaml PACK_UNKNOWN_DEPENDENCY',
        'packs/demo/workflows/flow.yaml ACTION_UNKNOWN',
      ]);
      const known = await validatePackDir(dir, { known: { packs: new Set(['lib']), actions: new Set(['lib.go']) } });
      expect(known.files.flatMap((f) => f.diagnostics)).toEqual([]);
      expect(known.manifest).toEqual({ ref: 'demo', version: '1.0.0', dependencies: ['lib'] });
    } finally {
      await removeTree(root);
    }
  });
});

describe('runPipeline() on a folder inside a pack', () => {
  it('loads the pack and reports only the files of that folder', async () => {
    const root = await writeTree({
      'demo/pack.yaml': 'ref: wrong\nversion: 1.0.0\n',
      'demo/workflows/bad.yaml': 'version: 1.0.0\ntasks:\n  a: { action: nope }\n',
    });
    try {
      const result = await runPipeline([path.join(root, 'packs/demo/workflows')]);
      expect(result.diagnostics.map((d) => `${path.basename(d.file)} ${d.code}`)).toEqual(['bad.yaml ACTION_UNKNOWN']);
    } finally {
      await removeTree(root);
    }
  });
});
