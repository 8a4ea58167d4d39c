import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSourceSet, type GitSourceSet } from '../../../src/gitops/git-source-set.js';
import { createGitSyncController, type GitSyncController } from '../../../src/gitops/git-sync-controller.js';
import { claimsOfOthers, type ClaimingSource } from '../../../src/gitops/pack-claims.js';
import { createPackEvents } from '../../../src/gitops/pack-events.js';
import { createGitSource } from '../../../src/packs/git-source.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from './git-fixture.js';

function signed(secret: string, body: object) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const signature = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  return { headers: { 'x-hub-signature-256': signature, 'x-github-delivery': randomUUID(), 'x-github-event': 'push' }, rawBody };
}

describe('several git sources', { timeout: 120_000 }, () => {
  let platform: GitFixture;
  let data: GitFixture;
  let claiming: ClaimingSource[];
  let set: GitSourceSet;
  let a: GitSyncController;
  let b: GitSyncController;

  function controllerFor(name: string, fx: GitFixture, secret: string): GitSyncController {
    const source = createGitSource({ url: fx.url, dataDir: platform.dataDir, env: process.env });
    claiming.push({ name, packsDir: source.packsDir });
    return createGitSyncController({
      name,
      source,
      store: platform.store,
      webhookSecret: secret,
      pollIntervalSeconds: 0,
      stateFile: null,
      claimedElsewhere: () => claimsOfOthers(claiming, name),
    });
  }

  beforeEach(() => {
    platform = createGitFixture();
    data = createGitFixture();
    claiming = [];
    platform.write('packs/ops/pack.yaml', packYaml('ops'));
    platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy'));
    data.write('packs/etl/pack.yaml', packYaml('etl'));
    data.write('packs/etl/workflows/load.yaml', workflowYaml('etl load'));
    data.write('packs/reports/pack.yaml', packYaml('reports'));
    data.write('packs/reports/workflows/daily.yaml', workflowYaml('daily report'));
    a = controllerFor('platform', platform, 'platform-secret');
    b = controllerFor('data', data, 'data-secret');
    set = createGitSourceSet([a, b], createPackEvents());
  });
  afterEach(async () => {
    await set.stop();
    await data.cleanup();
    await platform.cleanup();
  });

  const active = (ref: string) => platform.store.registry.getActive('workflow', ref);

  it('syncs each source\'s packs and records the source on every version', async () => {
    platform.commit('ops');
    data.commit('etl and reports');
    expect((await a.start()).outcome).toBe('synced');
    expect((await b.start()).outcome).toBe('synced');

    expect((await active('ops.deploy'))?.origin).toMatchObject({ source: 'git', git_source: 'platform' });
    expect((await active('etl.load'))?.origin).toMatchObject({ source: 'git', git_source: 'data' });
    const statusA = await a.status();
    expect(statusA.source).toBe('platform');
    expect(statusA.packs.map((p) => p.pack_ref)).toEqual(['ops']);
    expect(statusA.drift.map((d) => [d.ref, d.state])).toEqual([['ops.deploy', 'Synced']]);
    const statusB = await b.status();
    expect(statusB.drift.map((d) => [d.ref, d.state])).toEqual([
      ['etl.load', 'Synced'],
      ['reports.daily', 'Synced'],
    ]);
    const summaries = await set.summaries();
    expect(summaries.map((s) => [s.name, s.packs, s.sync_status, s.drift.Synced])).toEqual([
      ['platform', 1, 'Synced', 1],
      ['data', 2, 'Synced', 2],
    ]);
  });

  it('never prunes another source\'s packs, nor packs synced from a folder', async () => {
    platform.commit('ops');
    data.commit('etl and reports');
    await a.start();
    await b.start();
    const local = join(platform.root, 'local-packs');
    mkdirSync(join(local, 'handmade', 'workflows'), { recursive: true });
    writeFileSync(join(local, 'handmade', 'pack.yaml'), packYaml('handmade'));
    writeFileSync(join(local, 'handmade', 'workflows', 'tool.yaml'), workflowYaml('by hand'));
    await createPackSyncService({ store: platform.store, packsDir: local }).syncPack('handmade');

    data.remove('packs/reports');
    data.commit('drop reports');
    const report = await b.syncNow();
    expect(report.pruned_packs).toEqual(['reports']);
    platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy, again'));
    platform.commit('change ops');
    const again = await a.syncNow();

    expect(again.outcome).toBe('synced');
    expect(again.pruned_packs).toEqual([]);
    expect(await active('reports.daily')).toBeNull();
    expect((await active('etl.load'))?.version).toBe(1);
    expect((await active('handmade.tool'))?.origin.source).toBe('local');
    expect((await active('ops.deploy'))?.version).toBe(2);
  });

  it('refuses a pack two sources hold in both statuses, keeps its versions, and syncs it once one lets go', async () => {
    platform.commit('ops');
    data.commit('etl and reports');
    await a.start();
    await b.start();
    data.write('packs/ops/pack.yaml', packYaml('ops'));
    data.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy from data'));
    data.commit('data takes ops too');

    const fromB = await b.syncNow();
    const fromA = await a.syncNow();
    const againB = await b.syncNow({ force: true });

    for (const report of [fromB, fromA, againB]) {
      expect(report.outcome).toBe('partial');
      expect(report.packs.find((p) => p.pack_ref === 'ops')).toMatchObject({ state: 'invalid', errors: [{ code: 'PACK_SYNC_REFUSED' }] });
    }
    expect(fromA.packs.find((p) => p.pack_ref === 'ops')?.errors[0]?.message).toBe(
      "pack 'ops' is in git source 'platform' and in 'data'; a pack belongs to one source, so none of them syncs or prunes it " +
        'until it is removed from all but one (the registry keeps its versions)',
    );
    const record = await active('ops.deploy');
    expect([record?.version, record?.origin.git_source]).toEqual([1, 'platform']);
    const summaries = await set.summaries();
    expect(summaries.map((s) => [s.name, s.conflicts, s.sync_status])).toEqual([
      ['platform', [{ pack_ref: 'ops', sources: ['platform', 'data'] }], 'OutOfSync'],
      ['data', [{ pack_ref: 'ops', sources: ['data', 'platform'] }], 'OutOfSync'],
    ]);
    expect((await a.status()).workflows.find((w) => w.ref === 'ops.deploy')?.status).not.toBe('Synced');

    platform.remove('packs/ops');
    platform.write('packs/infra/pack.yaml', packYaml('infra'));
    platform.write('packs/infra/workflows/plan.yaml', workflowYaml('infra plan'));
    platform.commit('ops moves to the data repository');
    const handedOver = await a.syncNow();
    expect(handedOver.pruned_packs).toEqual([]);
    // The data source sees the pack is its own now, though its commit did not move.
    const taken = await b.syncNow();
    expect(taken.outcome).toBe('synced');
    const moved = await active('ops.deploy');
    expect([moved?.version, moved?.origin.git_source]).toEqual([2, 'data']);
    expect((await set.summaries()).map((s) => s.conflicts)).toEqual([[], []]);
  });

  it('moves a pack with unchanged files to another source, which owns it from then on, across a restart', async () => {
    platform.commit('ops');
    data.commit('etl and reports');
    await a.start();
    await b.start();
    data.write('packs/ops/pack.yaml', packYaml('ops'));
    data.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy'));
    data.commit('data holds ops too, same files');
    platform.remove('packs/ops');
    platform.write('packs/infra/pack.yaml', packYaml('infra'));
    platform.write('packs/infra/workflows/plan.yaml', workflowYaml('infra plan'));
    platform.commit('ops leaves platform');
    await b.syncNow();
    expect((await a.syncNow()).pruned_packs).toEqual([]);
    await b.syncNow();
    const moved = await active('ops.deploy');
    expect([moved?.version, moved?.origin.git_source]).toEqual([2, 'data']);

    // A new controller knows nothing of earlier runs: ownership comes from the registry.
    await b.stop();
    const restarted = controllerFor('data', data, 'data-secret');
    claiming.splice(1, 1);
    data.remove('packs/ops');
    data.commit('drop ops');
    const report = await restarted.start();
    expect(report.pruned_packs).toEqual(['ops']);
    expect(await active('ops.deploy')).toBeNull();
    await restarted.stop();
  });

  it('gives a webhook to the source whose secret signed it, or the one the payload names', async () => {
    platform.commit('ops');
    data.commit('etl and reports');
    await a.start();
    await b.start();
    data.write('packs/etl/workflows/load.yaml', workflowYaml('etl load, again'));
    data.commit('change etl');

    const routed = set.routeWebhook(signed('data-secret', { ref: 'refs/heads/main' }));
    expect([routed.status, routed.sources, routed.body.source]).toEqual([202, ['data'], 'data']);
    expect((await routed.sync)?.outcome).toBe('synced');
    expect((await active('etl.load'))?.version).toBe(2);

    expect(set.routeWebhook(signed('nobody-knows-this', { ref: 'refs/heads/main' })).status).toBe(401);
  });

  it('picks the source by repository in the payload when sources share a secret', async () => {
    const shared = createGitSourceSet(
      [controllerFor('one', platform, 'shared-secret'), controllerFor('two', data, 'shared-secret')],
      createPackEvents(),
    );
    platform.commit('ops');
    data.commit('etl');
    const answer = shared.routeWebhook(signed('shared-secret', { ref: 'refs/heads/main', repository: { clone_url: data.url } }));
    expect(answer.sources).toEqual(['two']);
    await answer.sync;
    expect((await active('etl.load'))?.origin.git_source).toBe('two');
    expect(await active('ops.deploy')).toBeNull();
    await shared.stop();
  });

  it('answers an unknown source with NOT_FOUND naming the configured ones, and the nameless routes with USAGE_INVALID', () => {
    expect(() => set.get('nope')).toThrow("unknown git source 'nope'; the server follows 'platform', 'data'");
    expect(() => set.only()).toThrow(/several git sources \('platform', 'data'\)/);
  });
});
