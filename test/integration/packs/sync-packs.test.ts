import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPackSyncService, type PackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const EXAMPLES = fileURLToPath(new URL('../../../packs/', import.meta.url));

const CONSUMER_PACK = 'ref: consumer\nversion: 1.0.0\ndependencies: [ci_cd]\n';
const CONSUMER_WORKFLOW = `version: 1.0.0
tasks:
  build:
    action: ci_cd.build
    input: { service: api }
`;

describe('createPackSyncService()', () => {
  let root: string;
  let packsDir: string;
  let store: Store;
  let packs: PackSyncService;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'harmonia-sync-'));
    packsDir = join(root, 'packs');
    // Two of the example packs, so adding an example pack changes nothing here.
    for (const name of ['ci_cd', 'data_pipeline']) cpSync(join(EXAMPLES, name), join(packsDir, name), { recursive: true });
    store = createSqliteStore({ file: join(root, 'harmonia.db'), synchronous: 'NORMAL' });
    packs = createPackSyncService({ store, packsDir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const packFile = (...parts: string[]) => join(packsDir, ...parts);
  const edit = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, 'utf8')));
  const activeVersion = async (ref: string) => (await store.registry.getActive('workflow', ref))?.version ?? null;

  describe('syncPack()', () => {
    it('registers every workflow, template and action of an example pack', async () => {
      const result = await packs.syncPack('ci_cd');
      expect(result.errors).toEqual([]);
      expect(result.workflows.map((w) => [w.ref_name, w.created, w.version]).sort()).toEqual([
        ['ci_cd.deploy_app', true, 1],
        ['ci_cd.health_check', true, 1],
        ['ci_cd.rollback', true, 1],
      ]);
      expect(result.plan.filter((p) => p.kind === 'template').map((p) => p.ref)).toEqual(['ci_cd.service_pipeline']);
      expect(result.plan.filter((p) => p.kind === 'action')).toHaveLength(4);
      expect(result.plan.every((p) => p.action === 'create')).toBe(true);
      expect(result).toMatchObject({ pack_ref: 'ci_cd', loaded_count: 8, registered_count: 8, pruned: [] });
    });

    it('writes nothing when the pack is synced again unchanged', async () => {
      await packs.syncPack('ci_cd');
      const result = await packs.syncPack('ci_cd');
      expect(result.registered_count).toBe(0);
      expect(new Set(result.plan.map((p) => p.action))).toEqual(new Set(['unchanged']));
      expect(await store.registry.listVersions('workflow', 'ci_cd.deploy_app')).toHaveLength(1);
    });

    it('ignores an edit that only touches comments', async () => {
      await packs.syncPack('ci_cd');
      edit(packFile('ci_cd', 'workflows', 'rollback.yaml'), (text) => `# reviewed\n${text}`);
      const result = await packs.syncPack('ci_cd');
      expect(result.plan).toContainEqual({ kind: 'workflow', ref: 'ci_cd.rollback', action: 'unchanged' });
    });

    it('adds version 2 when a workflow file changes', async () => {
      await packs.syncPack('ci_cd');
      edit(packFile('ci_cd', 'workflows', 'rollback.yaml'), (text) => text.replace(/^description: .*$/m, 'description: v2'));
      const result = await packs.syncPack('ci_cd');
      expect(result.plan).toContainEqual({ kind: 'workflow', ref: 'ci_cd.rollback', action: 'update' });
      expect(await activeVersion('ci_cd.rollback')).toBe(2);
      expect((await store.registry.getVersion('workflow', 'ci_cd.rollback', 1))?.source).not.toContain('description: v2');
    });

    it('prunes a workflow whose file was deleted, unless prune is false', async () => {
      await packs.syncPack('ci_cd');
      rmSync(packFile('ci_cd', 'workflows', 'health_check.yml'));
      expect((await packs.syncPack('ci_cd', { prune: false })).pruned).toEqual([]);
      expect(await activeVersion('ci_cd.health_check')).toBe(1);
      expect((await packs.syncPack('ci_cd')).pruned).toEqual(['ci_cd.health_check']);
      expect(await activeVersion('ci_cd.health_check')).toBeNull();
    });

    it('reports a broken file and keeps its registered version active', async () => {
      await packs.syncPack('ci_cd');
      writeFileSync(packFile('ci_cd', 'workflows', 'rollback.yaml'), 'version: 1.0.0\ntasks: [\n');
      const strict = await packs.syncPack('ci_cd');
      expect(strict.errors.length).toBeGreaterThan(0);
      expect(strict.plan).toEqual([]);
      const lenient = await packs.syncPack('ci_cd', { skip_validation_errors: true });
      expect(lenient.plan).toContainEqual({ kind: 'workflow', ref: 'ci_cd.rollback', action: 'unchanged' });
      expect(await activeVersion('ci_cd.rollback')).toBe(1);
    });

    it('applies the service defaults under the options of a call', async () => {
      const lenient = createPackSyncService({ store, packsDir, defaults: { dry_run: true } });
      expect((await lenient.syncPack('ci_cd')).registered_count).toBe(8);
      expect(await store.registry.getPack('ci_cd')).toBeNull();
      await lenient.syncPack('ci_cd', { dry_run: false });
      expect(await activeVersion('ci_cd.deploy_app')).toBe(1);
    });

    it('resolves references to packs registered before', async () => {
      mkdirSync(packFile('consumer', 'workflows'), { recursive: true });
      writeFileSync(packFile('consumer', 'pack.yaml'), CONSUMER_PACK);
      writeFileSync(packFile('consumer', 'workflows', 'ship.yaml'), CONSUMER_WORKFLOW);
      // Validated with ci_cd loaded from the folder, as `harmonia validate` does, but never
      // registered while what it uses is not.
      expect((await packs.validatePack('consumer')).diagnostics).toEqual([]);
      await expect(packs.syncPack('consumer')).rejects.toMatchObject({
        code: 'PACK_SYNC_REFUSED',
        message: expect.stringContaining("'consumer.ship' uses action 'ci_cd.build'"),
      });
      await packs.syncPack('ci_cd');
      const result = await packs.syncPack('consumer');
      expect(result.errors).toEqual([]);
      expect(await activeVersion('consumer.ship')).toBe(1);
    });

    it('throws PACK_NOT_FOUND for a pack without a folder', async () => {
      await expect(packs.syncPack('nope')).rejects.toMatchObject({ code: 'PACK_NOT_FOUND' });
    });

    it('throws PACK_NOT_FOUND for a name that is not a ref', async () => {
      await expect(packs.syncPack('../packs/ci_cd')).rejects.toMatchObject({ code: 'PACK_NOT_FOUND' });
    });
  });

  describe('validatePack()', () => {
    it('counts the validated files of a valid pack and reports no errors', async () => {
      expect(await packs.validatePack('ci_cd')).toEqual({
        pack_ref: 'ci_cd',
        validated_count: 8,
        error_count: 0,
        errors: {},
        diagnostics: [],
      });
    });

    it('keys errors by ref and writes nothing', async () => {
      writeFileSync(packFile('ci_cd', 'workflows', 'rollback.yaml'), 'version: 1.0.0\ntasks: [\n');
      const result = await packs.validatePack('ci_cd');
      expect(Object.keys(result.errors)).toEqual(['ci_cd.rollback']);
      expect(result.error_count).toBe(1);
      expect(await store.registry.getPack('ci_cd')).toBeNull();
    });
  });

  describe('deletePack()', () => {
    it('marks every ref of the pack deleted and lists them', async () => {
      await packs.syncPack('ci_cd');
      const result = await packs.deletePack('ci_cd');
      expect(result.pruned).toContain('ci_cd.deploy_app');
      expect(result.pruned).toHaveLength(8);
      expect(await store.registry.getPack('ci_cd')).toBeNull();
      expect(await store.registry.getVersion('workflow', 'ci_cd.deploy_app', 1)).not.toBeNull();
    });

    it('throws PACK_NOT_FOUND for a pack that is not registered', async () => {
      await expect(packs.deletePack('ci_cd')).rejects.toMatchObject({ code: 'PACK_NOT_FOUND' });
    });
  });

  describe('countPackWorkflows()', () => {
    it('counts the active workflows of a pack', async () => {
      expect(await packs.countPackWorkflows('ci_cd')).toBe(0);
      await packs.syncPack('ci_cd');
      expect(await packs.countPackWorkflows('ci_cd')).toBe(3);
    });

    it('throws PACK_NOT_FOUND for a pack neither registered nor on disk', async () => {
      await expect(packs.countPackWorkflows('nope')).rejects.toMatchObject({ code: 'PACK_NOT_FOUND' });
    });
  });

  describe('syncAll()', () => {
    it('syncs every pack folder and returns one result each', async () => {
      const result = await packs.syncAll();
      expect(result.packs.map((p) => [p.pack_ref, p.errors.length])).toEqual([
        ['ci_cd', 0],
        ['data_pipeline', 0],
      ]);
      expect(result.pruned_packs).toEqual([]);
      expect(await packs.countPackWorkflows('data_pipeline')).toBe(2);
    });

    it('deletes a registered pack whose folder is gone', async () => {
      await packs.syncAll();
      rmSync(packFile('data_pipeline'), { recursive: true });
      const result = await packs.syncAll();
      expect(result.pruned_packs).toEqual(['data_pipeline']);
      expect(await store.registry.getPack('data_pipeline')).toBeNull();
      expect(await packs.countPackWorkflows('ci_cd')).toBe(3);
    });

    it('keeps a pack that holds only definitions created through the API', async () => {
      await packs.syncAll();
      await store.registry.upsertPack({ ref: 'api', version: '1.0.0', dependencies: [] });
      await store.registry.addVersion({
        kind: 'workflow',
        ref: 'api.keep_me',
        pack_ref: 'api',
        content_hash: 'h',
        body: { version: '1.0.0', input: {}, context: {}, tasks: [], output: {}, error_handlers: [] },
        source: '',
        file: '',
        origin: { source: 'api' },
      });
      const result = await packs.syncAll();
      expect(result.pruned_packs).toEqual([]);
      expect(await activeVersion('api.keep_me')).toBe(1);
    });

    it('refuses to delete every registered pack unless allow_empty is set', async () => {
      await packs.syncAll();
      rmSync(packFile('ci_cd'), { recursive: true });
      rmSync(packFile('data_pipeline'), { recursive: true });
      await expect(packs.syncAll()).rejects.toMatchObject({ code: 'PACK_SYNC_REFUSED' });
      expect((await store.registry.listPacks()).map((p) => p.ref)).toEqual(['ci_cd', 'data_pipeline']);
      expect((await packs.syncAll({ allow_empty: true })).pruned_packs).toEqual(['ci_cd', 'data_pipeline']);
      expect(await store.registry.listPacks()).toEqual([]);
    });

    it('reports a pack whose checkout lost every workflow without stopping the others', async () => {
      await packs.syncAll();
      rmSync(packFile('data_pipeline', 'workflows'), { recursive: true });
      const result = await packs.syncAll();
      const refused = result.packs.find((p) => p.pack_ref === 'data_pipeline');
      expect(refused?.errors.map((d) => d.code)).toEqual(['PACK_SYNC_REFUSED']);
      expect(await packs.countPackWorkflows('data_pipeline')).toBe(2);
    });

    it('plans a dry run without deleting vanished packs', async () => {
      await packs.syncAll();
      rmSync(packFile('data_pipeline'), { recursive: true });
      const result = await packs.syncAll({ dry_run: true });
      expect(result.pruned_packs).toEqual(['data_pipeline']);
      expect(await store.registry.getPack('data_pipeline')).not.toBeNull();
    });
  });
});
