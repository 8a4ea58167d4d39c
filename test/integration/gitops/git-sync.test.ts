import { createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSyncController, type GitSyncController } from '../../../src/gitops/git-sync-controller.js';
import { createPackEvents, type PackEvent } from '../../../src/gitops/pack-events.js';
import { getDefinitionHistory } from '../../../src/gitops/definition-history.js';
import { diffDefinitionVersions } from '../../../src/gitops/diff-versions.js';
import { rollbackDefinition, unpinDefinition } from '../../../src/gitops/rollback.js';
import { createGitSource, type GitSource } from '../../../src/packs/git-source.js';
import { createGitFixture, invalidWorkflowYaml, packYaml, workflowYaml, type GitFixture } from './git-fixture.js';

const SECRET = 'webhook-secret-for-tests';

function githubDelivery(body: object, deliveryId: string = randomUUID()) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const signature = `sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`;
  return {
    headers: { 'x-hub-signature-256': signature, 'x-github-delivery': deliveryId, 'x-github-event': 'push' },
    rawBody,
  };
}

describe('createGitSyncController()', () => {
  let fx: GitFixture;
  let source: GitSource;
  let controller: GitSyncController;
  let seen: PackEvent[];

  beforeEach(() => {
    fx = createGitFixture();
    source = createGitSource({ url: fx.url, dataDir: fx.dataDir, env: process.env });
    const events = createPackEvents();
    seen = [];
    events.on('*', (event) => seen.push(event));
    controller = createGitSyncController({
      source,
      store: fx.store,
      events,
      webhookSecret: SECRET,
      pollIntervalSeconds: 0,
    });
    fx.write('packs/ops/pack.yaml', packYaml('ops'));
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('first'));
  });
  afterEach(async () => {
    await controller.stop();
    await fx.cleanup();
  });

  const active = (ref: string) => fx.store.registry.getActive('workflow', ref);

  it('registers a pushed commit after a signed webhook, with the commit on the new version', async () => {
    await fx.commit('add ops');
    await controller.start();
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const sha = fx.commit('deploy: say second');

    const response = controller.handleWebhook(githubDelivery({ ref: 'refs/heads/main', after: sha }));
    expect(response.status).toBe(202);
    const report = await response.sync;

    expect(report?.outcome).toBe('synced');
    const record = await active('ops.deploy');
    expect(record?.version).toBe(2);
    expect(record?.origin).toEqual({
      source: 'git',
      commit: sha,
      author: 'Ada Lovelace <ada@example.com>',
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      message: 'deploy: say second',
    });
    expect(seen.filter((e) => e.event_type === 'pack_synced').at(-1)).toMatchObject({
      pack_ref: 'ops',
      commit: sha,
      data: { registered: [{ kind: 'workflow', ref: 'ops.deploy', version: 2 }] },
    });
  });

  it('keeps a history of the commits a workflow came from, and diffs two of them by sha', async () => {
    const first = fx.commit('first');
    await controller.start();
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const second = fx.commit('second', { author: 'Grace Hopper <grace@example.com>' });
    await controller.syncNow();

    const history = await getDefinitionHistory(fx.store, 'workflow', 'ops.deploy');
    expect(history.entries.map((e) => [e.version, e.commit, e.author, e.message, e.active])).toEqual([
      [1, first, 'Ada Lovelace <ada@example.com>', 'first', false],
      [2, second, 'Grace Hopper <grace@example.com>', 'second', true],
    ]);
    const { diff } = await diffDefinitionVersions(fx.store, { ref: 'ops.deploy', from: first.slice(0, 8), to: second });
    expect(diff).toContain('-description: first\n+description: second\n');
  });

  it('records the last commit that touched each pack, not the head', async () => {
    const opsSha = fx.commit('add ops');
    fx.write('packs/web/pack.yaml', packYaml('web'));
    fx.write('packs/web/workflows/publish.yaml', workflowYaml('publish'));
    const webSha = fx.commit('add web');
    await controller.start();
    expect((await active('ops.deploy'))?.origin.commit).toBe(opsSha);
    expect((await active('web.publish'))?.origin.commit).toBe(webSha);
  });

  it('keeps the last good version of a pack a commit breaks, and reports the failing commit', async () => {
    const good = fx.commit('add ops');
    fx.write('packs/web/pack.yaml', packYaml('web'));
    fx.write('packs/web/workflows/publish.yaml', workflowYaml('publish'));
    fx.commit('add web');
    await controller.start();

    fx.write('packs/ops/workflows/deploy.yaml', invalidWorkflowYaml());
    fx.write('packs/web/workflows/publish.yaml', workflowYaml('publish again'));
    const bad = fx.commit('break ops, change web');
    const report = await controller.syncNow();

    expect(report.outcome).toBe('partial');
    expect((await active('ops.deploy'))?.origin.commit).toBe(good);
    expect((await active('web.publish'))?.origin.commit).toBe(bad);
    const status = await controller.status();
    const deploy = status.workflows.find((w) => w.ref === 'ops.deploy');
    expect(deploy).toMatchObject({ status: 'Invalid', failing_commit: bad, active_version: 1 });
    expect(deploy?.diagnostics?.[0]?.file).toBe('packs/ops/workflows/deploy.yaml');
    expect(status.packs.find((p) => p.pack_ref === 'ops')).toMatchObject({ last_good_commit: good, failing_commit: bad });
    expect(status.workflows.find((w) => w.ref === 'web.publish')?.status).toBe('Synced');
    expect(seen.find((e) => e.event_type === 'pack_validation_failed')).toMatchObject({ pack_ref: 'ops', commit: bad });
  });

  it('refuses a commit with a schedule every 1ms with TRIGGER_INTERVAL_TOO_SHORT, as harmonia validate and the API do', async () => {
    fx.commit('add ops');
    await controller.start();
    fx.write('packs/ops/workflows/deploy.yaml', ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  tick:', '    schedule:', '      every: 1ms', ''].join('\n'));
    fx.commit('tick every millisecond');
    expect((await controller.syncNow()).outcome).toBe('partial');
    const deploy = (await controller.status()).workflows.find((w) => w.ref === 'ops.deploy');
    expect(deploy?.diagnostics).toMatchObject([{ code: 'TRIGGER_INTERVAL_TOO_SHORT', line: 7, column: 14, file: 'packs/ops/workflows/deploy.yaml' }]);
  });

  it('follows a force-push that rewrites the branch', async () => {
    const first = fx.commit('first');
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    fx.commit('second');
    await controller.start();
    expect((await active('ops.deploy'))?.source).toContain('second');

    fx.git('reset', '--quiet', '--hard', first);
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('rewritten'));
    const rewritten = fx.commit('rewritten history', { force: true });
    await controller.syncNow();

    const record = await active('ops.deploy');
    expect(record?.origin.commit).toBe(rewritten);
    expect(record?.source).toContain('rewritten');
    expect((await controller.status()).head?.sha).toBe(rewritten);
  });

  it('keeps a rolled-back version active through later polls until it is unpinned', async () => {
    const first = fx.commit('first');
    await controller.start();
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    fx.commit('second');
    await controller.syncNow();

    const rollback = await rollbackDefinition(fx.store, { ref: 'ops.deploy', to: first.slice(0, 7) });
    expect(rollback).toMatchObject({ from_version: 2, to_version: 1, commit: first, pinned: true });
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('third'));
    fx.commit('third');
    await controller.syncNow();

    const head = await fx.store.registry.getHead('workflow', 'ops.deploy');
    expect(head).toMatchObject({ active_version: 1, latest_version: 3, pinned: true });
    expect((await controller.status()).workflows[0]?.status).toBe('Pinned');

    const unpinned = await unpinDefinition(fx.store, { ref: 'ops.deploy' });
    expect(unpinned).toMatchObject({ to_version: 3, pinned: false });
    expect((await controller.status()).workflows[0]?.status).toBe('Synced');
  });

  it('shows drift per definition, actions and templates included: live registry against the checked-out files', async () => {
    fx.write('packs/ops/actions/notify.yaml', 'runner: shell\nentry_point: notify.sh\n');
    fx.write('packs/ops/actions/notify.sh', '#!/bin/sh\n');
    fx.write('packs/ops/templates/greet.yaml', 'version: 1.0.0\nworkflow:\n  tasks:\n    a: { action: core.noop }\n');
    const first = fx.commit('first');
    await controller.start();
    expect((await controller.status()).drift.map((d) => `${d.kind} ${d.ref} ${d.state}`)).toEqual([
      'workflow ops.deploy Synced',
      'template ops.greet Synced',
      'action ops.notify Synced',
    ]);

    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    fx.commit('second');
    await controller.syncNow();
    await rollbackDefinition(fx.store, { ref: 'ops.deploy', to: first.slice(0, 7) });
    const drift = (await controller.status()).drift;
    expect(drift.find((d) => d.ref === 'ops.deploy')).toMatchObject({ state: 'OutOfSync', active_version: 1, file: 'workflows/deploy.yaml' });
    expect(drift.filter((d) => d.state === 'Synced').map((d) => d.ref)).toEqual(['ops.greet', 'ops.notify']);
  });

  it('refuses a commit that would delete every pack and keeps what is registered', async () => {
    fx.commit('add ops');
    await controller.start();
    fx.remove('packs');
    const empty = fx.commit('oops, empty tree');

    const report = await controller.syncNow();

    expect(report).toMatchObject({ outcome: 'refused', error: { code: 'PACK_SYNC_REFUSED' } });
    expect((await active('ops.deploy'))?.version).toBe(1);
    expect(seen.find((e) => e.event_type === 'git_sync_failed')).toMatchObject({ commit: empty });
    expect((await controller.status()).workflows[0]?.status).toBe('OutOfSync');
  });

  it('does not repeat a refusal when the same commit is polled again', async () => {
    fx.commit('add ops');
    await controller.start();
    fx.remove('packs');
    fx.commit('oops, empty tree');
    await controller.syncNow();

    expect((await controller.syncNow()).outcome).toBe('unchanged');
    expect(seen.filter((e) => e.event_type === 'git_sync_failed')).toHaveLength(1);
  });

  it('keeps reporting a refused commit through later polls until a good one lands', async () => {
    const good = fx.commit('add ops');
    await controller.start();
    fx.remove('packs');
    const empty = fx.commit('oops, empty tree');
    await controller.syncNow();
    await controller.syncNow();

    const status = await controller.status();
    expect(status.synced_commit).toBe(good);
    expect(status.last_sync).toMatchObject({ outcome: 'refused', commit: { sha: empty } });
    expect(status.refused).toMatchObject({ commit: empty, error: { code: 'PACK_SYNC_REFUSED' } });
    expect(status.workflows.map((w) => [w.status, w.reason])).toEqual([['OutOfSync', expect.stringContaining(`${empty.slice(0, 7)} was refused`)]]);

    fx.write('packs/ops/pack.yaml', packYaml('ops'));
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('back'));
    const back = fx.commit('packs are back');
    await controller.syncNow();
    const after = await controller.status();
    expect(after.synced_commit).toBe(back);
    expect(after.refused).toBeNull();
    expect(after.workflows.map((w) => w.status)).toEqual(['Synced']);
  });

  it('refuses to delete a pack that a remaining pack uses, and says so in the report and the status', async () => {
    fx.write('packs/web/pack.yaml', 'ref: web\nversion: 1.0.0\ndependencies: [ops]\n');
    fx.write('packs/web/workflows/publish.yaml', 'version: 1.0.0\ntasks:\n  run:\n    action: core.workflow\n    input: { workflow: ops.deploy }\n');
    fx.commit('web uses ops');
    await controller.start();
    fx.remove('packs/ops');
    const drop = fx.commit('drop ops');

    const report = await controller.syncNow();

    expect(report.outcome).toBe('partial');
    expect(report.pruned_packs).toEqual([]);
    const ops = report.packs.find((p) => p.pack_ref === 'ops');
    expect(ops).toMatchObject({ state: 'invalid', errors: [{ code: 'PACK_SYNC_REFUSED' }] });
    expect(ops?.errors[0]?.message).toContain("'web.publish' (workflow) uses 'ops.deploy'");
    expect((await active('ops.deploy'))?.version).toBe(1);
    const status = await controller.status();
    expect(status.packs.find((p) => p.pack_ref === 'ops')).toMatchObject({ state: 'invalid', failing_commit: drop });
    expect(status.workflows.find((w) => w.ref === 'ops.deploy')?.status).toBe('OutOfSync');
  });

  it('prunes a pack removed from the tree while other packs remain', async () => {
    fx.write('packs/web/pack.yaml', packYaml('web'));
    fx.write('packs/web/workflows/publish.yaml', workflowYaml('publish'));
    fx.commit('two packs');
    await controller.start();
    fx.remove('packs/web');
    fx.commit('drop web');

    const report = await controller.syncNow();

    expect(report.pruned_packs).toEqual(['web']);
    expect(await active('web.publish')).toBeNull();
    expect((await active('ops.deploy'))?.version).toBe(1);
    expect(seen.find((e) => e.event_type === 'pack_deleted')).toMatchObject({ pack_ref: 'web' });
  });

  it('pins the deployment to a tag and follows the branch again when unpinned', async () => {
    fx.commit('first');
    fx.git('tag', 'release-1');
    fx.git('push', '--quiet', 'origin', 'release-1');
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const second = fx.commit('second');
    await controller.start();
    expect((await active('ops.deploy'))?.source).toContain('second');

    await controller.syncAt('release-1');
    expect((await active('ops.deploy'))?.source).toContain('first');
    expect((await controller.status()).pinned_ref).toBe('release-1');

    await controller.syncAt(null);
    expect((await active('ops.deploy'))?.origin.commit).toBe(second);
  });

  it('keeps the previous pin when asked to pin a ref that names nothing', async () => {
    fx.commit('first');
    fx.git('tag', 'release-1');
    fx.git('push', '--quiet', 'origin', 'release-1');
    await controller.start();
    await controller.syncAt('release-1');

    const report = await controller.syncAt('relaese-2');
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('VERSION_NOT_FOUND');
    expect((await controller.status()).pinned_ref).toBe('release-1');
    expect((await controller.syncNow({ force: true })).outcome).not.toBe('failed');
  });

  it('follows a pin set by another process on the same data dir at its next poll', async () => {
    fx.commit('first');
    fx.git('tag', 'release-1');
    fx.git('push', '--quiet', 'origin', 'release-1');
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    fx.commit('second');
    await controller.start();

    const cli = createGitSyncController({ source, store: fx.store, pollIntervalSeconds: 0 });
    await cli.syncAt('release-1');
    fx.write('packs/ops/workflows/deploy.yaml', workflowYaml('third'));
    fx.commit('third');
    await controller.syncNow();

    expect((await controller.status()).pinned_ref).toBe('release-1');
    expect((await active('ops.deploy'))?.source).toContain('first');
  });

  it('refuses an unsigned webhook with 401 and fetches nothing', () => {
    fx.commit('add ops');
    const delivery = githubDelivery({ ref: 'refs/heads/main' });
    const response = controller.handleWebhook({
      headers: { ...delivery.headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      rawBody: delivery.rawBody,
    });
    expect(response).toMatchObject({ status: 401, sync: null });
    expect(existsSync(source.dir)).toBe(false);
  });

  it('ignores a delivery whose id was already seen', async () => {
    fx.commit('add ops');
    const delivery = githubDelivery({ ref: 'refs/heads/main' }, 'delivery-1');
    const first = controller.handleWebhook(delivery);
    const replay = controller.handleWebhook(delivery);
    await first.sync;
    expect(first.status).toBe(202);
    expect(replay).toMatchObject({ status: 200, body: { duplicate: true, delivery_id: 'delivery-1' }, sync: null });
  });

  it('ignores a push to another branch', () => {
    const response = controller.handleWebhook(githubDelivery({ ref: 'refs/heads/feature' }));
    expect(response).toMatchObject({ status: 200, body: { accepted: false }, sync: null });
  });
});
