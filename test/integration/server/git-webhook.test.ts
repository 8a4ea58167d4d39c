import { renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, WorkflowDetail } from '../../../src/core/wire.js';
import type { GitSyncStatus } from '../../../src/gitops/git-sync-controller.js';
import {
  githubSignature,
  openGitServer,
  openPackEventSocket,
  openPackEventStream,
  pushBody,
  SECRET,
  workflowYaml,
  type GitServer,
} from './git-harness.js';

let h: GitServer;

beforeAll(async () => {
  h = await openGitServer();
});
afterAll(async () => {
  await h.close();
});

const deploy = async () => (await h.call<WorkflowDetail>('GET', '/api/v1/workflows/ops.deploy')).body;

describe('POST /api/v1/git/webhook', () => {
  it('syncs a signed GitHub push: 202, a pack_synced event, and a new version carrying the sha', async () => {
    const before = await deploy();
    h.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const sha = h.repo.commit('ops: second deploy');
    const stream = await openPackEventStream(h.url, { type: 'pack_synced', where: (e) => e.commit === sha });
    const body = pushBody(sha);

    const res = await h.webhook(body, {
      'x-hub-signature-256': githubSignature(body),
      'x-github-event': 'push',
      'x-github-delivery': 'delivery-1',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: true, provider: 'github', delivery_id: 'delivery-1' });

    const event = await stream.next;
    expect(event).toMatchObject({ event_type: 'pack_synced', pack_ref: 'ops', commit: sha });
    expect(event.data.registered).toContainEqual({ kind: 'workflow', ref: 'ops.deploy', version: before.version + 1 });
    const after = await deploy();
    expect(after.version).toBe(before.version + 1);
    expect(after.origin).toMatchObject({ source: 'git', commit: sha, message: 'ops: second deploy' });
  });

  it('refuses a wrong signature with 401 and fetches nothing', async () => {
    const before = await deploy();
    h.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('forged'));
    const sha = h.repo.commit('ops: not announced by a valid webhook');
    const body = pushBody(sha);

    const res = await h.webhook(body, { 'x-hub-signature-256': githubSignature(body, 'not-the-secret'), 'x-github-delivery': 'delivery-2' });
    expect(res.status).toBe(401);
    expect((res.body as unknown as ErrorResponse).error.code).toBe('AUTH_REQUIRED');
    const status = (await h.call<GitSyncStatus>('GET', '/api/v1/git/status')).body;
    expect(status.syncing).toBe(false);
    expect(status.head?.sha).not.toBe(sha);
    expect((await deploy()).version).toBe(before.version);
  });

  it('refuses an unsigned delivery and a wrong GitLab token with 401', async () => {
    const body = pushBody('0'.repeat(40));
    expect((await h.webhook(body, {})).status).toBe(401);
    expect((await h.webhook(body, { 'x-gitlab-token': 'wrong', 'x-gitlab-event': 'Push Hook' })).status).toBe(401);
  });

  it('ignores a replayed delivery id with 200 and a note', async () => {
    const head = h.repo.git('rev-parse', 'HEAD');
    const synced = await openPackEventStream(h.url, { type: 'pack_synced', where: (e) => e.commit === head });
    const body = pushBody(head);
    const headers = { 'x-harmonia-token': SECRET, 'x-harmonia-delivery': 'replayed-once' };
    const first = await h.webhook(body, headers);
    expect(first.status).toBe(202);
    await synced.next;
    const replay = await h.webhook(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ accepted: false, duplicate: true, delivery_id: 'replayed-once' });
    expect(String(replay.body.reason)).toContain('already seen');
  });

  it('syncs each time a sender without delivery ids posts the same body', async () => {
    const body = pushBody(h.repo.git('rev-parse', 'HEAD'));
    const headers = { 'x-harmonia-token': SECRET };
    expect((await h.webhook(body, headers)).status).toBe(202);
    expect((await h.webhook(body, headers)).status).toBe(202);
  });

  it('ignores a tag push and a GitLab merge-request hook without fetching', async () => {
    const tag = await h.webhook(JSON.stringify({ ref: 'refs/tags/v1', after: '0'.repeat(40) }), { 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Tag Push Hook' });
    expect(tag.status).toBe(200);
    expect(tag.body).toMatchObject({ accepted: false, reason: "'Tag Push Hook' event ignored; only 'Push Hook' trigger a sync" });
    const mr = await h.webhook(JSON.stringify({ object_kind: 'merge_request' }), { 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Merge Request Hook' });
    expect(mr.body).toMatchObject({ accepted: false });
  });

  it('delivers the pack events of a webhook-triggered sync on /ws/events too', async () => {
    h.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('third'));
    const sha = h.repo.commit('ops: third deploy');
    const socket = await openPackEventSocket(h.url, { type: 'pack_synced', where: (e) => e.commit === sha });
    const res = await h.webhook(pushBody(sha), { 'x-gitlab-token': SECRET, 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'gl-1' });
    expect(res.status).toBe(202);
    const event = await socket.next;
    socket.close();
    expect(event).toMatchObject({ pack_ref: 'ops', commit: sha });
    expect((await deploy()).origin.commit).toBe(sha);
  });
});

describe('GET /api/v1/git/status', () => {
  it('shows the commit checked out and synced, and each workflow Synced', async () => {
    const sha = h.repo.git('rev-parse', 'HEAD');
    const res = await h.call<GitSyncStatus>('POST', '/api/v1/git/sync');
    expect(res.status).toBe(200);
    const status = (await h.call<GitSyncStatus>('GET', '/api/v1/git/status', { token: 'reader-tok' })).body;
    expect(status).toMatchObject({ branch: 'main', path: 'packs', pinned_ref: null, synced_commit: sha, webhook_enabled: true });
    expect(status.head).toMatchObject({ sha, author: 'Ada Lovelace <ada@example.com>' });
    expect(status.url).toBe(h.repo.url);
    expect(status.workflows).toContainEqual(expect.objectContaining({ ref: 'ops.deploy', status: 'Synced' }));
  });
});

describe('POST /api/v1/git/sync', () => {
  it('pins the deployment to an older sha given as ref, and follows the branch again when given its name', async () => {
    const res = await h.call<{ outcome: string; commit: { sha: string } }>('POST', '/api/v1/git/sync', { json: { ref: h.first } });
    expect(res.status).toBe(200);
    expect(res.body.commit.sha).toBe(h.first);
    const pinned = (await h.call<GitSyncStatus>('GET', '/api/v1/git/status')).body;
    expect(pinned).toMatchObject({ pinned_ref: h.first, synced_commit: h.first });
    expect((await deploy()).definition.description).toBe('first');

    const back = await h.call<{ commit: { sha: string } }>('POST', '/api/v1/git/sync', { json: { ref: 'main' } });
    expect(back.status).toBe(200);
    expect(back.body.commit.sha).toBe(h.repo.git('rev-parse', 'HEAD'));
    expect((await h.call<GitSyncStatus>('GET', '/api/v1/git/status')).body.pinned_ref).toBeNull();
    expect((await deploy()).definition.description).toBe('third');
  });

  it('answers an unknown ref with 404 and the report', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/v1/git/sync', { json: { ref: 'v9.9.9-missing' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('VERSION_NOT_FOUND');
    expect(res.body.error.details).toHaveProperty('report');
    expect((await h.call('POST', '/api/v1/git/sync', { json: { ref: 'main' } })).status).toBe(200);
  });

  it('answers 502 with the report when the remote cannot be fetched, and streams git_sync_failed', async () => {
    const remote = fileURLToPath(h.repo.url);
    renameSync(remote, `${remote}.away`);
    try {
      const stream = await openPackEventStream(h.url, { type: 'git_sync_failed' });
      const res = await h.call<ErrorResponse>('POST', '/api/v1/git/sync');
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('CONNECTION_ERROR');
      expect(res.body.error.details).toMatchObject({ report: { outcome: 'failed' } });
      const event = await stream.next;
      expect(event).toMatchObject({ pack_ref: null, data: { error: { code: 'CONNECTION_ERROR' } } });
    } finally {
      renameSync(`${remote}.away`, remote);
    }
  });

  it('needs the admin scope to pin a ref, but only read+write to sync now', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/v1/git/sync', { json: { ref: h.first }, token: 'reader-tok' });
    expect(res.status).toBe(403);
    expect((await h.call<ErrorResponse>('POST', '/api/v1/git/sync', { token: null })).status).toBe(401);
  });
});
