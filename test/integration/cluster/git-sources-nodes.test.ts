/**
 * Several git sources on two nodes sharing one PostgreSQL schema: one node leads each
 * source's polling and syncs it; the other checks out what the leader synced, per source,
 * and passes a source's webhook on to that source's leader.
 */
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { GitSourceSummary } from '../../../src/gitops/git-source-set.js';
import type { PackEvent } from '../../../src/gitops/pack-events.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature } from '../server/git-harness.js';
import { pgSuiteName, TEST_DATABASE_URL, usePgSchema } from '../store/pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('several git sources on several nodes'), () => {
  const db = usePgSchema();
  let platform: GitFixture;
  let data: GitFixture;
  let first: ServedHarmonia;
  let second: ServedHarmonia;
  let shas: { platform: string; data: string };

  const serve = async (name: string, dataDir: string): Promise<ServedHarmonia> => {
    const sources = [
      { name: 'platform', url: platform.url, poll_interval: 0, webhook_secret: 'platform-secret' },
      { name: 'data', url: data.url, poll_interval: 0, webhook_secret: 'data-secret' },
    ];
    const config = resolveConfig(
      { port: 0, host: '127.0.0.1' },
      {
        HARMONIA_DATA_DIR: dataDir,
        HARMONIA_PACKS_DIR: join(platform.root, 'unused-packs'),
        HARMONIA_GIT_SOURCES: JSON.stringify(sources),
        HARMONIA_NODE_ID: name,
      },
    );
    return serveHarmonia({
      config,
      // Fewer than the four connections the leading node holds for good (they are not taken from it).
      store: await db.openStore({ pool_size: 2 }),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      version: '9.9.9-test',
      logger: pino({ level: 'silent' }),
      git_follow_wait_ms: 60_000,
    });
  };
  const summaries = async (node: ServedHarmonia): Promise<GitSourceSummary[]> =>
    ((await (await fetch(`${node.url}/api/v1/git/sources`)).json()) as { items: GitSourceSummary[] }).items;

  beforeAll(async () => {
    platform = createGitFixture();
    data = createGitFixture();
    platform.write('packs/ops/pack.yaml', packYaml('ops'));
    platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy'));
    data.write('packs/etl/pack.yaml', packYaml('etl'));
    data.write('packs/etl/workflows/load.yaml', workflowYaml('etl load'));
    shas = { platform: platform.commit('ops'), data: data.commit('etl') };
    first = await serve('node-a', platform.dataDir);
    second = await serve('node-b', join(platform.root, 'node-b'));
  }, 180_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await data?.cleanup();
    await platform?.cleanup();
  }, 60_000);

  it('syncs each source on the node leading it, and checks out each synced commit on the other', async () => {
    const leading = await summaries(first);
    expect(leading.map((s) => [s.name, s.node?.role, s.synced_commit, s.last_outcome])).toEqual([
      ['platform', 'leader', shas.platform, 'synced'],
      ['data', 'leader', shas.data, 'synced'],
    ]);
    const following = await summaries(second);
    expect(following.map((s) => [s.name, s.node?.role, s.node?.files, s.node?.checkout_commit, s.synced_commit])).toEqual([
      ['platform', 'follower', 'current', shas.platform, shas.platform],
      ['data', 'follower', 'current', shas.data, shas.data],
    ]);
    const links = join(platform.root, 'node-b', 'git', 'packs');
    expect(readlinkSync(join(links, 'etl'))).toContain(join(platform.root, 'node-b', 'git'));
    expect((await fetch(`${second.url}/ready`)).status).toBe(200);
  });

  it('passes a source\'s webhook from the other node to that source\'s leader', async () => {
    data.write('packs/etl/workflows/load.yaml', workflowYaml('etl load, second'));
    const sha = data.commit('etl: second');
    const synced = new Promise<PackEvent>((resolve) => {
      const off = first.pack_events.on('pack_synced', (event) => {
        if (event.commit !== sha) return;
        off();
        resolve(event);
      });
    });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    const response = await fetch(`${second.url}/api/v1/git/sources/data/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(body, 'data-secret') },
      body,
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { reason?: string }).reason).toBe('passed to the node leading git polling');
    expect((await synced).pack_ref).toBe('etl');
    const record = await (await db.openStore()).registry.getActive('workflow', 'etl.load');
    expect(record?.origin).toMatchObject({ git_source: 'data', commit: sha });
  });
});
