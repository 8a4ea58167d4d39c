import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { firstInvalidUtf8 } from '../../../src/core/utf8.js';
import { loadPack } from '../../../src/packs/load-packs.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';
import { PACK_YAML, removeTree, validateTree, writeTree } from './pack-tree.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/packs');
const FLOW = 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n';

describe('loadPack()', () => {
  it('refuses a file over max_file_size without reading it', async () => {
    const pack = await loadPack(path.join(fixtures, 'oversize/demo'), { maxFileSize: 1024 });
    const big = pack.files.find((f) => f.file === 'workflows/big.yaml');
    expect(big?.text).toBeNull();
    expect(big?.diagnostics).toMatchObject([{ code: 'PACK_FILE_TOO_LARGE', line: 0, message: expect.stringContaining('more than the maximum of 1024') }]);
  });

  it('returns files in listing order though it reads them several at a time', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, ...Object.fromEntries(names.map((n) => [`demo/workflows/${n}.yaml`, `# ${n}\n${FLOW}`])) });
    try {
      const packs = await Promise.all([loadPack(path.join(root, 'packs/demo')), loadPack(path.join(root, 'packs/demo'))]);
      for (const pack of packs) {
        expect(pack.files.map((f) => f.name)).toEqual(['pack', ...names]);
        expect(pack.files.every((f) => f.text?.startsWith(f.kind === 'pack' ? 'ref' : `# ${f.name}\n`))).toBe(true);
      }
    } finally {
      await removeTree(root);
    }
  });

  it('reads the same file under the default limit', async () => {
    const result = await runPipeline([path.join(fixtures, 'oversize')]);
    expect(result.diagnostics).toEqual([]);
  });

  it('refuses a symlink that points outside the pack', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, 'secret.yaml': FLOW });
    try {
      await symlink(path.join(root, 'packs/secret.yaml'), path.join(root, 'packs/demo/workflows-link.yaml'));
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(root, 'packs/demo/workflows'));
      await symlink(path.join(root, 'packs/secret.yaml'), path.join(root, 'packs/demo/workflows/leak.yaml'));
      const pack = await loadPack(path.join(root, 'packs/demo'));
      const leak = pack.files.find((f) => f.file === 'workflows/leak.yaml');
      expect(leak?.text).toBeNull();
      expect(leak?.diagnostics.map((d) => d.code)).toEqual(['PACK_SYMLINK_ESCAPE']);
    } finally {
      await removeTree(root);
    }
  });

  it('follows a symlink that stays inside the pack', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/real.yaml': FLOW });
    try {
      await symlink('real.yaml', path.join(root, 'packs/demo/workflows/alias.yaml'));
      const pack = await loadPack(path.join(root, 'packs/demo'));
      expect(pack.files.find((f) => f.file === 'workflows/alias.yaml')?.text).toBe(FLOW);
    } finally {
      await removeTree(root);
    }
  });

  it('refuses a binary file and a file that is not UTF-8', async () => {
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/nul.yaml': new Uint8Array([0x76, 0x3a, 0x00, 0x01, 0x02]),
      'demo/workflows/latin.yaml': new Uint8Array([0x76, 0x3a, 0x20, 0xe9, 0x0a]),
    });
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual(['demo/workflows/latin.yaml PACK_FILE_NOT_UTF8', 'demo/workflows/nul.yaml PACK_FILE_NOT_UTF8']);
  });

  it('points a file that is not UTF-8 text at its first bad byte: line and column', async () => {
    const text = (s: string) => [...new TextEncoder().encode(s)];
    const diags = await validateTree({
      'demo/pack.yaml': PACK_YAML,
      'demo/workflows/nul.yaml': new Uint8Array([...text('version: 1\nname: "ab'), 0x00, ...text('"\n')]),
      'demo/workflows/latin.yaml': new Uint8Array([...text('version: 1\ntasks: {}\nname: "héé caf'), 0xe9, ...text('"\n')]),
    });
    expect(diags.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([
      'demo/workflows/latin.yaml:3:15 PACK_FILE_NOT_UTF8',
      'demo/workflows/nul.yaml:2:10 PACK_FILE_NOT_UTF8',
    ]);
  });

  it('reports a file name that is not a valid ref with a suggested name, and still checks its content', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/Deploy-App.yaml': 'version: 1.0.0\ntasks:\n  a: { action: nope.x }\n' });
    expect(diags).toMatchObject([
      { code: 'PACK_INVALID_FILE_NAME', line: 0, hint: "rename it to 'deploy_app.yaml'", message: expect.stringContaining('^[a-z][a-z0-9_]*$') },
      { code: 'ACTION_UNKNOWN', line: 3 },
    ]);
  });

  it('reports a pack without pack.yaml and a pack directory with a bad name', async () => {
    const diags = await validateTree({ 'demo/workflows/flow.yaml': FLOW, 'Bad-Pack/pack.yaml': 'ref: Bad-Pack\nversion: 1.0.0\n' });
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual([
      'Bad-Pack/pack.yaml PACK_INVALID_NAME',
      'Bad-Pack/pack.yaml SCHEMA_PATTERN',
      'demo/pack.yaml PACK_MANIFEST_MISSING',
    ]);
  });

  it('loads .yml files and reports x.yaml next to x.yml as one ref defined twice', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/x.yaml': FLOW, 'demo/workflows/x.yml': FLOW });
    expect(diags).toMatchObject([{ code: 'PACK_DUPLICATE_REF', file: 'demo/workflows/x.yml' }]);
  });

  it('treats other files in actions/ as entry points, unread', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML });
    try {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(root, 'packs/demo/actions'));
      await writeFile(path.join(root, 'packs/demo/actions/run.sh'), new Uint8Array([0, 1, 2]));
      const pack = await loadPack(path.join(root, 'packs/demo'));
      expect(pack.files.map((f) => [f.file, f.kind, f.diagnostics.length])).toEqual([
        ['pack.yaml', 'pack', 0],
        ['actions/run.sh', 'script', 0],
      ]);
    } finally {
      await removeTree(root);
    }
  });
});

describe('firstInvalidUtf8()', () => {
  it('agrees with a fatal TextDecoder on every two-byte and edge three- and four-byte sequence', () => {
    const cases: number[][] = [];
    for (let a = 0x80; a <= 0xff; a++) for (const b of [0x00, 0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) cases.push([a, b], [a, b, 0x80], [a, b, 0x80, 0x80]);
    for (const bytes of cases) {
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
      } catch {
        valid = false;
      }
      expect([bytes, firstInvalidUtf8(new Uint8Array(bytes)) === -1]).toEqual([bytes, valid]);
    }
  });
});
