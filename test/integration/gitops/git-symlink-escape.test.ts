import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSyncController, type GitSyncController } from '../../../src/gitops/git-sync-controller.js';
import { createPackEvents } from '../../../src/gitops/pack-events.js';
import { createGitSource } from '../../../src/packs/git-source.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from './git-fixture.js';

// Whoever can push to the followed branch must not make the server read the host's own
// folders: a symlink committed in the repository resolves on the server's disk.
describe('git sync of a repository whose symlinks lead out of it', () => {
  let fx: GitFixture;
  let controller: GitSyncController;
  let outside: string;

  beforeEach(() => {
    fx = createGitFixture();
    outside = join(fx.root, 'host-folder');
    mkdirSync(join(outside, 'stolen', 'workflows'), { recursive: true });
    writeFileSync(join(outside, 'stolen', 'pack.yaml'), packYaml('stolen'));
    writeFileSync(join(outside, 'stolen', 'workflows', 'read.yaml'), workflowYaml('from the host'));
    controller = createGitSyncController({
      source: createGitSource({ url: fx.url, dataDir: fx.dataDir, env: process.env }),
      store: fx.store,
      events: createPackEvents(),
      webhookSecret: 'unused',
      pollIntervalSeconds: 0,
    });
  });
  afterEach(async () => {
    await controller.stop();
    await fx.cleanup();
  });

  it('refuses a commit whose packs folder is a symlink out of the repository, registering nothing from it', async () => {
    fx.write('packs/ops/pack.yaml', packYaml('ops'));
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops'));
    fx.commit('add ops');
    await controller.start();
    fx.remove('packs');
    symlinkSync(outside, join(fx.work, 'packs'));
    fx.commit('packs -> a host folder');

    const report = await controller.syncNow();

    expect(report).toMatchObject({ outcome: 'refused', error: { code: 'PACK_SYNC_REFUSED' } });
    expect(report.error?.message).toContain("packs folder 'packs' is a symlink");
    expect(await fx.store.registry.getActive('workflow', 'stolen.read')).toBeNull();
    expect((await fx.store.registry.getActive('workflow', 'ops.deploy'))?.version).toBe(1);
  });

  it('does not register a pack folder that is a symlink out of the repository, and syncs the others', async () => {
    fx.write('packs/ops/pack.yaml', packYaml('ops'));
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops'));
    symlinkSync(join(outside, 'stolen'), join(fx.work, 'packs', 'stolen'));
    fx.commit('a pack folder -> a host folder');

    await controller.start();
    await controller.syncNow();

    expect(await fx.store.registry.getActive('workflow', 'stolen.read')).toBeNull();
    expect((await fx.store.registry.getActive('workflow', 'ops.deploy'))?.version).toBe(1);
  });
});
