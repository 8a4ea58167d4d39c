/**
 * A git follower (the node that does not lead git polling) over real git repositories in
 * temp dirs: it checks out exactly the announced commit, never writes the registry,
 * reports failures, and the cluster controller built on it answers status, readiness and
 * webhooks as a follower.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClusterGitSync } from '../../../src/gitops/cluster-git-sync.js';
import { createGitFollower, encodeGitAnnouncement, parseGitAnnouncement } from '../../../src/gitops/git-follower.js';
import { createGitSyncController } from '../../../src/gitops/git-sync-controller.js';
import { createGitSource, type GitSource } from '../../../src/packs/git-source.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature, pushBody } from '../server/git-harness.js';

const SECRET = 'follower-whsec';

describe('createGitFollower()', () => {
  let repo: GitFixture;
  let source: GitSource;
  let first = '';
  let second = '';

  beforeEach(() => {
    repo = createGitFixture();
    repo.write('packs/ops/pack.yaml', packYaml('ops'));
    repo.write('packs/ops/value.txt', 'first\n');
    first = repo.commit('first');
    repo.write('packs/ops/value.txt', 'second\n');
    second = repo.commit('second');
    source = createGitSource({ url: repo.url, branch: 'main', dataDir: join(repo.root, 'follower-data') });
  });

  afterEach(async () => {
    await repo.cleanup();
  });

  it('checks out exactly the announced commit, not the branch head', async () => {
    const follower = createGitFollower({ source, isLeader: () => false });
    await follower.follow({ commit: first, pinned_ref: null, node_id: 'node-a' });
    expect(readFileSync(join(source.packsDir, 'ops', 'value.txt'), 'utf8')).toBe('first\n');
    expect(follower.state()).toMatchObject({ files: 'current', error: null, checkout: { sha: first } });
  });

  it('follows a later announcement to the newer commit', async () => {
    const follower = createGitFollower({ source, isLeader: () => false });
    await follower.follow({ commit: first, pinned_ref: null, node_id: 'node-a' });
    await follower.follow({ commit: second, pinned_ref: null, node_id: 'node-a' });
    expect(readFileSync(join(source.packsDir, 'ops', 'value.txt'), 'utf8')).toBe('second\n');
    expect(follower.state().checkout?.sha).toBe(second);
  });

  it('reports a commit it cannot fetch as failed, and recovers on the next announcement', async () => {
    const failures: string[] = [];
    const follower = createGitFollower({ source, isLeader: () => false, onFailed: (error) => failures.push(error.code) });
    await follower.follow({ commit: 'f'.repeat(40), pinned_ref: null, node_id: 'node-a' });
    expect(follower.state()).toMatchObject({ files: 'failed', error: { code: 'VERSION_NOT_FOUND' } });
    expect(failures).toEqual(['VERSION_NOT_FOUND']);
    await follower.follow({ commit: second, pinned_ref: null, node_id: 'node-a' });
    expect(follower.state()).toMatchObject({ files: 'current', error: null });
  });

  it('leaves the clone alone while its node leads', async () => {
    const follower = createGitFollower({ source, isLeader: () => true });
    await follower.follow({ commit: first, pinned_ref: null, node_id: 'node-a' });
    expect(existsSync(source.dir)).toBe(false);
    expect(follower.state().files).toBe('waiting');
  });

  it("mirrors the leader's pin beside the clone, so it stays pinned if this node takes over", async () => {
    const follower = createGitFollower({ source, isLeader: () => false });
    await follower.follow({ commit: first, pinned_ref: 'v1.0.0', node_id: 'node-a' });
    expect(JSON.parse(readFileSync(`${source.dir}.state.json`, 'utf8'))).toEqual({ pinned_ref: 'v1.0.0' });
  });

  it('reads back only well-formed announcements', () => {
    const text = encodeGitAnnouncement({ commit: first, pinned_ref: null, node_id: 'node-a' });
    expect(parseGitAnnouncement(text)).toEqual({ commit: first, pinned_ref: null, node_id: 'node-a' });
    expect(parseGitAnnouncement('{"commit":"--upload-pack=x"}')).toBeNull();
    expect(parseGitAnnouncement('not json')).toBeNull();
  });
});

describe('createClusterGitSync()', () => {
  let repo: GitFixture;
  let leading = false;
  let nudges = 0;

  const build = () => {
    const source = createGitSource({ url: repo.url, branch: 'main', dataDir: join(repo.root, 'node-data') });
    const controller = createGitSyncController({ source, store: repo.store, webhookSecret: SECRET, pollIntervalSeconds: 0 });
    const follower = createGitFollower({ source, isLeader: () => leading });
    const git = createClusterGitSync({
      controller,
      follower,
      node_id: 'node-b',
      isLeader: () => leading,
      nudge: async () => {
        nudges += 1;
      },
      webhookSecret: SECRET,
    });
    return { git, follower, controller };
  };

  beforeEach(() => {
    leading = false;
    nudges = 0;
    repo = createGitFixture();
    repo.write('packs/ops/pack.yaml', packYaml('ops'));
    repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('first'));
  });

  afterEach(async () => {
    await repo.cleanup();
  });

  it('is not ready for pack actions until the announced commit is checked out', async () => {
    const sha = repo.commit('first');
    const { git, follower } = build();
    expect(git.readiness?.()).toMatchObject({ ready: false });
    expect(git.readiness?.().reason).toContain('waiting for the node leading git polling');
    await follower.follow({ commit: sha, pinned_ref: null, node_id: 'node-a' });
    expect(git.readiness?.()).toEqual({ ready: true });
  });

  it("reports a follower's role, the leader's commit and its own checkout, and writes no registry", async () => {
    const sha = repo.commit('first');
    const { git, follower } = build();
    await follower.follow({ commit: sha, pinned_ref: null, node_id: 'node-a' });
    const status = await git.status();
    expect(status).toMatchObject({ synced_commit: sha, head: { sha }, last_sync: null, packs: [], workflows: [] });
    expect(status.node).toEqual({
      node_id: 'node-b',
      role: 'follower',
      leader: 'node-a',
      leader_synced_commit: sha,
      checkout_commit: sha,
      files: 'current',
      error: null,
      ready: true,
    });
    expect(await repo.store.registry.listPacks()).toEqual([]);
  });

  it('passes a verified webhook to the leader and syncs nothing itself', async () => {
    const sha = repo.commit('first');
    const { git } = build();
    const body = pushBody(sha);
    const answer = git.handleWebhook({ headers: { 'x-hub-signature-256': githubSignature(body, SECRET), 'x-github-delivery': 'd-1' }, rawBody: body });
    expect(answer.status).toBe(202);
    expect(answer.sync).toBeNull();
    expect(nudges).toBe(1);
    expect(await repo.store.registry.listPacks()).toEqual([]);
  });

  it('syncs through its own controller once it leads', async () => {
    const sha = repo.commit('first');
    const { git } = build();
    leading = true;
    const report = await git.syncNow({ force: true });
    expect(report).toMatchObject({ outcome: 'synced', commit: { sha } });
    expect((await git.status()).node).toMatchObject({ role: 'leader', leader_synced_commit: sha, checkout_commit: sha, ready: true });
    expect(git.role?.()).toBe('leader');
  });
});
