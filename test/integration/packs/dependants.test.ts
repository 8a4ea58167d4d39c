import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPackSyncService, type PackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const LIB = {
  'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
  'lib/actions/build.yaml': 'runner: shell\nentry_point: build.sh\n',
  'lib/actions/build.sh': '#!/bin/sh\necho built\n',
  'lib/workflows/noop.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
};
const APP = {
  'app/pack.yaml': 'ref: app\nversion: 1.0.0\ndependencies: [lib]\n',
  'app/workflows/deploy.yaml': 'version: 1.0.0\ntasks:\n  build: { action: lib.build }\n',
};

describe('a sync never leaves an active definition using something gone', () => {
  let root: string;
  let packsDir: string;
  let store: Store;
  let packs: PackSyncService;

  const write = (files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(packsDir, rel)), { recursive: true });
      writeFileSync(join(packsDir, rel), text);
    }
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'harmonia-dependants-'));
    packsDir = join(root, 'packs');
    write({ ...LIB, ...APP });
    store = createSqliteStore({ file: join(root, 'harmonia.db'), synchronous: 'NORMAL' });
    packs = createPackSyncService({ store, packsDir });
    const first = await packs.syncAll();
    expect(first.packs.flatMap((p) => p.errors)).toEqual([]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps a deleted pack that another pack uses, and names the user in its result', async () => {
    rmSync(join(packsDir, 'lib'), { recursive: true });
    const result = await packs.syncAll();
    expect(result.pruned_packs).toEqual([]);
    const lib = result.packs.find((p) => p.pack_ref === 'lib');
    expect(lib?.errors).toMatchObject([{ code: 'PACK_SYNC_REFUSED', severity: 'error' }]);
    expect(lib?.errors[0]?.message).toContain("'app.deploy' (workflow) uses 'lib.build'");
    expect(await store.registry.getActive('action', 'lib.build')).not.toBeNull();
  });

  it('deletes two packs that go together, one using the other', async () => {
    rmSync(join(packsDir, 'lib'), { recursive: true });
    rmSync(join(packsDir, 'app'), { recursive: true });
    write({ 'other/pack.yaml': 'ref: other\nversion: 1.0.0\n', 'other/workflows/w.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n' });
    const result = await packs.syncAll({ allow_empty: true });
    expect(result.pruned_packs.sort()).toEqual(['app', 'lib']);
    expect(await store.registry.getActive('workflow', 'app.deploy')).toBeNull();
  });

  it('refuses to prune an action another pack uses, and registers nothing of that pack', async () => {
    rmSync(join(packsDir, 'lib/actions'), { recursive: true });
    write({ 'lib/workflows/noop.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.echo, input: { message: changed } }\n' });
    await expect(packs.syncPack('lib')).rejects.toMatchObject({
      code: 'PACK_SYNC_REFUSED',
      message: expect.stringContaining("'app.deploy' (workflow) uses 'lib.build'"),
    });
    expect(await store.registry.getActive('action', 'lib.build')).not.toBeNull();
    expect((await store.registry.getActive('workflow', 'lib.noop'))?.version).toBe(1);
  });

  it('refuses deleting a pack through the service while another pack uses it', async () => {
    await expect(packs.deletePack('lib')).rejects.toMatchObject({
      code: 'PACK_SYNC_REFUSED',
      message: expect.stringContaining("'app.deploy' (workflow) uses 'lib.build'"),
    });
    expect((await packs.deletePack('app')).pruned).toEqual(['app.deploy']);
    expect((await packs.deletePack('lib')).pack_ref).toBe('lib');
  });

  it('prunes an action once the pack using it stops using it in the same sync', async () => {
    rmSync(join(packsDir, 'lib/actions'), { recursive: true });
    write({ 'app/workflows/deploy.yaml': 'version: 1.0.0\ntasks:\n  build: { action: core.noop }\n' });
    const result = await packs.syncAll();
    expect(result.packs.flatMap((p) => p.errors)).toEqual([]);
    expect(await store.registry.getActive('action', 'lib.build')).toBeNull();
  });
});

describe('a dry run of a tree whose packs use each other', () => {
  it('plans the dependant as created, though nothing it uses is registered yet', async () => {
    const root = mkdtempSync(join(tmpdir(), 'harmonia-dry-'));
    const packsDir = join(root, 'packs');
    for (const [rel, text] of Object.entries({ ...LIB, ...APP })) {
      mkdirSync(dirname(join(packsDir, rel)), { recursive: true });
      writeFileSync(join(packsDir, rel), text);
    }
    const store = createSqliteStore({ file: join(root, 'harmonia.db'), synchronous: 'NORMAL' });
    try {
      const result = await createPackSyncService({ store, packsDir }).syncAll({ dry_run: true });
      expect(result.packs.flatMap((p) => p.errors)).toEqual([]);
      expect(result.packs.find((p) => p.pack_ref === 'app')?.plan).toEqual([{ kind: 'workflow', ref: 'app.deploy', action: 'create' }]);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
