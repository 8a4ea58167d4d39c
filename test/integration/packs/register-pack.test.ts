import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPack } from '../../../src/packs/register-pack.js';
import type { Store } from '../../../src/store/store.js';
import {
  actionBody,
  diagnostic,
  file,
  manifestOf,
  pack,
  tempStore,
  templateBody,
  workflowBody,
} from './validated-pack.js';

/** Every row of the registry tables, read through a second connection. */
function snapshot(dbFile: string): unknown {
  const db = new Database(dbFile, { readonly: true });
  try {
    return {
      packs: db.prepare('SELECT * FROM packs ORDER BY ref').all(),
      definitions: db.prepare('SELECT * FROM definitions ORDER BY kind, ref, version').all(),
      heads: db.prepare('SELECT * FROM definition_heads ORDER BY kind, ref').all(),
    };
  } finally {
    db.close();
  }
}

const deploy = (description = 'deploys') => file('ops', 'workflow', 'deploy', workflowBody(description));
const rollback = (description = 'rolls back') => file('ops', 'workflow', 'rollback', workflowBody(description));
const template = () => file('ops', 'template', 'base', templateBody());
const action = () => file('ops', 'action', 'build', actionBody());

describe('registerPack()', () => {
  let store: Store;
  let dbFile: string;
  let cleanup: () => Promise<void>;
  beforeEach(() => {
    ({ store, file: dbFile, cleanup } = tempStore());
  });
  afterEach(async () => {
    await cleanup();
  });

  const active = async (ref: string) => (await store.registry.getActive('workflow', ref))?.version ?? null;

  it('registers workflows, templates and actions as version 1 on the first sync', async () => {
    const result = await registerPack(store, pack('ops', [deploy(), template(), action()]));
    expect(result.plan).toEqual([
      { kind: 'workflow', ref: 'ops.deploy', action: 'create' },
      { kind: 'template', ref: 'ops.base', action: 'create' },
      { kind: 'action', ref: 'ops.build', action: 'create' },
    ]);
    expect(result).toMatchObject({ pack_ref: 'ops', loaded_count: 3, registered_count: 3, errors: [], pruned: [] });
    const v1 = await store.registry.getActive('workflow', 'ops.deploy');
    expect(result.workflows).toEqual([
      { ref_name: 'ops.deploy', created: true, workflow_def_id: v1?.id, version: 1, warnings: [] },
    ]);
    expect((await store.registry.getActive('template', 'ops.base'))?.version).toBe(1);
    expect((await store.registry.getActive('action', 'ops.build'))?.version).toBe(1);
    expect((await store.registry.getPack('ops'))?.manifest).toEqual(manifestOf('ops'));
  });

  it('registers an action\'s script with its version; an edited script is a new version, an unchanged one is not', async () => {
    const first = pack('ops', [action()]);
    await registerPack(store, first);
    const v1 = await store.registry.getActive('action', 'ops.build');
    const files = await store.registry.listFiles(v1?.id ?? '');
    expect(files.map((f) => f.path)).toEqual(['actions/run.sh']);
    expect(new TextDecoder().decode((await store.registry.readFile(files[0]?.sha256 ?? '')) ?? undefined)).toContain('"ran"');
    expect((await registerPack(store, pack('ops', [action()]))).plan).toEqual([{ kind: 'action', ref: 'ops.build', action: 'unchanged' }]);
    const edited = pack('ops', [action()]);
    writeFileSync(join(edited.dir, 'actions', 'run.sh'), "#!/bin/sh\necho '{\"ran\": \"v2\"}'\n");
    expect((await registerPack(store, edited)).plan).toEqual([{ kind: 'action', ref: 'ops.build', action: 'update' }]);
    const v2 = await store.registry.getActive('action', 'ops.build');
    expect(v2?.version).toBe(2);
    expect((await store.registry.listFiles(v2?.id ?? ''))[0]?.sha256).not.toBe(files[0]?.sha256);
    expect(await store.registry.listFiles(v1?.id ?? '')).toEqual(files);
  });

  it('refuses to register an action whose script cannot be read (PACK_INVALID)', async () => {
    const broken = pack('ops', [action()]);
    rmSync(join(broken.dir, 'actions', 'run.sh'));
    await expect(registerPack(store, broken)).rejects.toMatchObject({ code: 'PACK_INVALID', message: expect.stringContaining("entry_point 'run.sh'") });
  });

  it('stores the content hash, source, file and origin of each version', async () => {
    const origin = { source: 'git' as const, commit: 'c0ffee', author: 'Ann', date: '2026-11-22', message: 'add' };
    await registerPack(store, pack('ops', [deploy()]), { origin });
    const v1 = await store.registry.getActive('workflow', 'ops.deploy');
    expect(v1?.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(v1).toMatchObject({ file: 'workflows/deploy.yaml', origin, source: deploy().text });
  });

  it('writes nothing when an unchanged pack is synced again', async () => {
    await registerPack(store, pack('ops', [deploy(), template(), action()]));
    const before = snapshot(dbFile);
    const result = await registerPack(store, pack('ops', [deploy(), template(), action()]));
    expect(snapshot(dbFile)).toEqual(before);
    expect(result.registered_count).toBe(0);
    expect(result.plan.map((entry) => entry.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(result.workflows[0]).toMatchObject({ created: false, version: 1 });
  });

  it('treats a new layout of the same body as unchanged', async () => {
    await registerPack(store, pack('ops', [deploy()]));
    const reordered = file('ops', 'workflow', 'deploy', workflowBody('deploys'), [], '# a comment\n...');
    const body = reordered.body as unknown as Record<string, unknown>;
    reordered.body = Object.fromEntries(Object.entries(body).reverse()) as unknown as typeof reordered.body;
    const result = await registerPack(store, pack('ops', [reordered]));
    expect(result.plan).toEqual([{ kind: 'workflow', ref: 'ops.deploy', action: 'unchanged' }]);
  });

  it('adds version 2 for a changed file and keeps version 1 retrievable', async () => {
    await registerPack(store, pack('ops', [deploy('v1')]));
    const v1 = await store.registry.getActive('workflow', 'ops.deploy');
    const result = await registerPack(store, pack('ops', [deploy('v2')]));
    const v2 = await store.registry.getActive('workflow', 'ops.deploy');
    expect(result.plan).toEqual([{ kind: 'workflow', ref: 'ops.deploy', action: 'update' }]);
    expect(result.workflows).toEqual([
      { ref_name: 'ops.deploy', created: false, workflow_def_id: v2?.id, version: 2, warnings: [] },
    ]);
    expect(await store.registry.getVersion('workflow', 'ops.deploy', 1)).toEqual(v1);
    expect(v2?.body).toEqual(workflowBody('v2'));
  });

  it('prunes refs whose file left the pack and keeps their versions', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback()]));
    const result = await registerPack(store, pack('ops', [deploy()]));
    expect(result.plan).toContainEqual({ kind: 'workflow', ref: 'ops.rollback', action: 'prune' });
    expect(result.pruned).toEqual(['ops.rollback']);
    expect(await active('ops.rollback')).toBeNull();
    expect(await store.registry.getVersion('workflow', 'ops.rollback', 1)).not.toBeNull();
  });

  it('never prunes a workflow that was created through the API rather than from a file', async () => {
    await registerPack(store, pack('ops', [deploy()]));
    await store.registry.addVersion({
      kind: 'workflow',
      ref: 'ops.from_template',
      pack_ref: 'ops',
      content_hash: 'h',
      body: workflowBody('instantiated'),
      source: '',
      file: '',
      origin: { source: 'api' },
    });
    const result = await registerPack(store, pack('ops', [deploy('changed')]));
    expect(result.pruned).toEqual([]);
    expect(await active('ops.from_template')).toBe(1);
  });

  it('keeps refs whose file left the pack when prune is false', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback()]));
    const result = await registerPack(store, pack('ops', [deploy()]), { prune: false });
    expect(result.pruned).toEqual([]);
    expect(await active('ops.rollback')).toBe(1);
  });

  it('brings a pruned ref back without a new version when its file returns unchanged', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback()]));
    await registerPack(store, pack('ops', [deploy()]));
    const result = await registerPack(store, pack('ops', [deploy(), rollback()]));
    expect(result.plan).toContainEqual({ kind: 'workflow', ref: 'ops.rollback', action: 'update' });
    expect(await active('ops.rollback')).toBe(1);
    expect(await store.registry.listVersions('workflow', 'ops.rollback')).toHaveLength(1);
  });

  it('adds a version when a pruned ref returns changed', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback()]));
    await registerPack(store, pack('ops', [deploy()]));
    await registerPack(store, pack('ops', [deploy(), rollback('new')]));
    expect(await active('ops.rollback')).toBe(2);
  });

  it('registers nothing from a pack with an invalid file by default', async () => {
    const broken = file('ops', 'workflow', 'rollback', null, [diagnostic('packs/ops/workflows/rollback.yaml')]);
    const result = await registerPack(store, pack('ops', [deploy(), broken]));
    expect(result.errors).toEqual(broken.diagnostics);
    expect(result).toMatchObject({ registered_count: 0, plan: [], workflows: [] });
    expect(await store.registry.getPack('ops')).toBeNull();
    expect(await active('ops.deploy')).toBeNull();
  });

  it('registers the valid files of a pack with invalid ones when skip_validation_errors is set', async () => {
    const broken = file('ops', 'workflow', 'rollback', null, [diagnostic('packs/ops/workflows/rollback.yaml')]);
    const result = await registerPack(store, pack('ops', [deploy(), broken]), { skip_validation_errors: true });
    expect(result.plan).toEqual([{ kind: 'workflow', ref: 'ops.deploy', action: 'create' }]);
    expect(result.errors).toHaveLength(1);
    expect(await active('ops.deploy')).toBe(1);
    expect(await store.registry.getHead('workflow', 'ops.rollback')).toBeNull();
  });

  it('keeps the registered version active when a file becomes invalid', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback()]));
    const invalid = file('ops', 'workflow', 'rollback', workflowBody('broken'), [
      diagnostic('packs/ops/workflows/rollback.yaml'),
    ]);
    const result = await registerPack(store, pack('ops', [deploy('changed'), invalid]), { skip_validation_errors: true });
    expect(result.plan).toEqual([
      { kind: 'workflow', ref: 'ops.deploy', action: 'update' },
      { kind: 'workflow', ref: 'ops.rollback', action: 'unchanged' },
    ]);
    expect(await active('ops.rollback')).toBe(1);
    expect((await store.registry.getActive('workflow', 'ops.rollback'))?.body).toEqual(workflowBody('rolls back'));
    expect(await store.registry.listVersions('workflow', 'ops.rollback')).toHaveLength(1);
  });

  it('leaves existing refs alone and only creates new ones when update_existing is false', async () => {
    await registerPack(store, pack('ops', [deploy('v1')]));
    const result = await registerPack(store, pack('ops', [deploy('v2'), rollback()]), { update_existing: false });
    expect(result.plan).toEqual([
      { kind: 'workflow', ref: 'ops.deploy', action: 'unchanged' },
      { kind: 'workflow', ref: 'ops.rollback', action: 'create' },
    ]);
    expect(await active('ops.deploy')).toBe(1);
    expect(await store.registry.listVersions('workflow', 'ops.deploy')).toHaveLength(1);
  });

  it('plans a dry run and writes nothing', async () => {
    await registerPack(store, pack('ops', [deploy('v1'), rollback()]));
    const before = snapshot(dbFile);
    const result = await registerPack(store, pack('ops', [deploy('v2'), action()]), { dry_run: true });
    expect(snapshot(dbFile)).toEqual(before);
    expect(result.plan).toEqual([
      { kind: 'workflow', ref: 'ops.deploy', action: 'update' },
      { kind: 'action', ref: 'ops.build', action: 'create' },
      { kind: 'workflow', ref: 'ops.rollback', action: 'prune' },
    ]);
    expect(result.workflows).toEqual([
      { ref_name: 'ops.deploy', created: false, workflow_def_id: null, version: 2, warnings: [] },
    ]);
    expect(result).toMatchObject({ registered_count: 2, pruned: ['ops.rollback'] });
  });

  it('refuses a sync that would prune every workflow of a pack unless allow_empty is set', async () => {
    await registerPack(store, pack('ops', [deploy(), rollback(), action()]));
    const before = snapshot(dbFile);
    await expect(registerPack(store, pack('ops', [action()]))).rejects.toMatchObject({ code: 'PACK_SYNC_REFUSED' });
    expect(snapshot(dbFile)).toEqual(before);
    const allowed = await registerPack(store, pack('ops', [action()]), { allow_empty: true });
    expect(allowed.pruned).toEqual(['ops.deploy', 'ops.rollback']);
  });

  it('refuses a sync of an empty checkout of a pack that only had actions', async () => {
    await registerPack(store, pack('ops', [action()]));
    await expect(registerPack(store, pack('ops', []))).rejects.toMatchObject({ code: 'PACK_SYNC_REFUSED' });
    expect((await store.registry.getActive('action', 'ops.build'))?.version).toBe(1);
  });

  it('keeps a pinned ref on its version while recording the new one', async () => {
    await registerPack(store, pack('ops', [deploy('v1')]));
    await store.registry.setActive('workflow', 'ops.deploy', 1, true);
    const result = await registerPack(store, pack('ops', [deploy('v2')]));
    expect(result.workflows[0]).toMatchObject({ version: 2 });
    expect(await store.registry.getHead('workflow', 'ops.deploy')).toMatchObject({
      active_version: 1,
      latest_version: 2,
      pinned: true,
    });
  });

  it('writes nothing of a pack when a write fails halfway through', async () => {
    const db = new Database(dbFile);
    db.exec(`CREATE TRIGGER fail_second BEFORE INSERT ON definitions WHEN NEW.ref = 'ops.rollback'
             BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    db.close();
    await expect(registerPack(store, pack('ops', [deploy(), rollback()]))).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    expect(snapshot(dbFile)).toEqual({ packs: [], definitions: [], heads: [] });
  });

  it('reports the warnings of each workflow file', async () => {
    const warning = diagnostic('packs/ops/workflows/deploy.yaml', 'warning', 'YAML_WARNING');
    const result = await registerPack(store, pack('ops', [file('ops', 'workflow', 'deploy', workflowBody(), [warning])]));
    expect(result.workflows[0]?.warnings).toEqual([warning]);
    expect(result.errors).toEqual([]);
  });

  it('registers nothing from a pack without a manifest, even when skipping errors', async () => {
    const result = await registerPack(store, pack('ops', [deploy()], null), { skip_validation_errors: true });
    expect(result.errors.map((d) => d.code)).toEqual(['PACK_MANIFEST_MISSING']);
    expect(result.plan).toEqual([]);
    expect(await store.registry.getPack('ops')).toBeNull();
  });

  it('registers nothing from a pack whose folder name is not a ref, even when skipping errors', async () => {
    const bad = { ...pack('ops', [deploy()]), ref: 'Ops-Pack' };
    const result = await registerPack(store, bad, { skip_validation_errors: true });
    expect(result.errors.map((d) => d.code)).toEqual(['PACK_INVALID_NAME']);
    expect(await store.registry.listPacks()).toEqual([]);
  });
});
