/**
 * `harmonia serve --git` on two nodes sharing one PostgreSQL schema: one node polls and
 * syncs; the other checks out what it synced; a webhook reaching the other is passed to it.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature, pushBody } from '../server/git-harness.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';
import { assertBuilt } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const SECRET = 'nodes-whsec';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('harmonia serve --git on several nodes'), () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let repo: GitFixture;
  let leader: ServeProcess;
  let other: ServeProcess;
  let firstSha = '';
  const serve = (name: string) =>
    startServeProcess(['--git', repo.url, '--branch', 'main', '--git-path', 'packs', '--port', '0'], {
      cwd: repo.root,
      env: {
        HARMONIA_DB_URL: dbUrl,
        HARMONIA_DATA_DIR: join(repo.root, `data-${name}`),
        HARMONIA_NODE_ID: name,
        HARMONIA_GIT_WEBHOOK_SECRET: SECRET,
        HARMONIA_GIT_POLL_INTERVAL: '0',
      },
    });

  beforeAll(async () => {
    assertBuilt();
    repo = createGitFixture();
    repo.write('packs/ops/pack.yaml', packYaml('ops'));
    repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('first'));
    firstSha = repo.commit('ops: first deploy');
    leader = await serve('node-a');
    other = await serve('node-b');
  });

  afterAll(async () => {
    await Promise.all([leader?.stop(), other?.stop()]);
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    await repo?.cleanup();
  });

  it('syncs on the first node only; the second serves what it synced', async () => {
    expect(leader.stderr()).toContain('✓ ops  ops.deploy v1');
    expect(other.stderr()).not.toContain('ops.deploy v1');
    const detail = (await (await fetch(`${other.url}/api/v1/workflows/ops.deploy`)).json()) as { version: number };
    expect(detail.version).toBe(1);
  });

  it('has the synced commit checked out on the second node before it serves, and says it follows', async () => {
    const status = (await (await fetch(`${other.url}/api/v1/git/status`)).json()) as { synced_commit: string; node: Record<string, unknown> };
    expect(status.synced_commit).toBe(firstSha);
    expect(status.node).toMatchObject({ node_id: 'node-b', role: 'follower', leader: 'node-a', checkout_commit: firstSha, files: 'current' });
    const leaderStatus = (await (await fetch(`${leader.url}/api/v1/git/status`)).json()) as { node: Record<string, unknown> };
    expect(leaderStatus.node).toMatchObject({ node_id: 'node-a', role: 'leader', leader_synced_commit: firstSha });
    expect((await fetch(`${other.url}/ready`)).status).toBe(200);
  });

  it('passes a webhook that reached the other node to the leader, which syncs', async () => {
    repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const sha = repo.commit('ops: second deploy');
    const body = pushBody(sha);
    const res = await fetch(`${other.url}/api/v1/git/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(body, SECRET), 'x-github-delivery': 'nodes-1' },
      body,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, reason: 'passed to the node leading git polling' });
    await leader.waitForStderr(`ops.deploy v2 at ${sha.slice(0, 7)}`);
    const detail = (await (await fetch(`${other.url}/api/v1/workflows/ops.deploy`)).json()) as { version: number };
    expect(detail.version).toBe(2);
  });

  it('refuses a webhook with a wrong signature on the other node too', async () => {
    const body = pushBody('0'.repeat(40));
    const res = await fetch(`${other.url}/api/v1/git/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(body, 'wrong'), 'x-github-delivery': 'nodes-2' },
      body,
    });
    expect(res.status).toBe(401);
  });
});
