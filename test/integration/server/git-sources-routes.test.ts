import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient } from '../../../src/client/index.js';
import { resolveConfig } from '../../../src/config.js';
import type { PackEvent } from '../../../src/gitops/pack-events.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature } from './git-harness.js';

const TOKEN = 'admin-tok';

class Output implements OutputStream {
  text = '';
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('a server following several git sources', { timeout: 120_000 }, () => {
  let platform: GitFixture;
  let data: GitFixture;
  let server: ServedHarmonia;
  let platformFirst: string;
  let dataFirst: string;

  const call = async <T = Record<string, unknown>>(method: string, path: string) => {
    const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  const webhook = async (path: string, body: string, secret: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(body, secret) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const cli = async (args: readonly string[]) => {
    const stdout = new Output();
    const stderr = new Output();
    const ctx = createCliContext({ env: { NO_COLOR: '1', HARMONIA_TOKEN: TOKEN }, cwd: platform.root, stdout, stderr });
    const program = createProgram(ctx);
    const override = (cmd: Command): void => {
      cmd.exitOverride();
      cmd.commands.forEach(override);
    };
    override(program);
    try {
      await program.parseAsync([...args, '--url', server.url], { from: 'user' });
      return { code: ctx.exitCode, stdout: stdout.text, stderr: stderr.text };
    } catch (error) {
      if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout: stdout.text, stderr: stderr.text };
      throw error;
    }
  };
  const nextSynced = (pack: string) =>
    new Promise<PackEvent>((resolve) => {
      const off = server.pack_events.on('pack_synced', (event) => {
        if (event.pack_ref !== pack) return;
        off();
        resolve(event);
      });
    });

  beforeAll(async () => {
    platform = createGitFixture();
    data = createGitFixture();
    platform.write('packs/ops/pack.yaml', packYaml('ops'));
    platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy'));
    platformFirst = platform.commit('ops');
    data.write('warehouse/etl/pack.yaml', packYaml('etl'));
    data.write('warehouse/etl/workflows/load.yaml', workflowYaml('etl load'));
    dataFirst = data.commit('etl');
    const sources = [
      { name: 'platform', url: platform.url, poll_interval: 0, webhook_secret_env: 'PLATFORM_HOOK_SECRET' },
      { name: 'data', url: data.url, path: 'warehouse', poll_interval: '0s', webhook_secret: 'data-hook-secret' },
    ];
    const config = resolveConfig(
      { port: 0, host: '127.0.0.1' },
      {
        HARMONIA_DATA_DIR: platform.dataDir,
        HARMONIA_PACKS_DIR: join(platform.root, 'unused-packs'),
        HARMONIA_API_TOKENS: TOKEN,
        HARMONIA_GIT_SOURCES: JSON.stringify(sources),
      },
    );
    server = await serveHarmonia({
      config,
      store: platform.store,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PLATFORM_HOOK_SECRET: 'platform-hook-secret' },
      version: '9.9.9-test',
      logger: pino({ level: 'silent' }),
    });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await data.cleanup();
    await platform.cleanup();
  }, 60_000);

  it('lists every source with where it stands', async () => {
    const { status, body } = await call<{ items: Array<Record<string, unknown>> }>('GET', '/api/v1/git/sources');
    expect(status).toBe(200);
    expect(body.items.map((s) => [s.name, s.path, s.packs, s.sync_status, s.conflicts, s.webhook_enabled])).toEqual([
      ['platform', 'packs', 1, 'Synced', [], true],
      ['data', 'warehouse', 1, 'Synced', [], true],
    ]);
    expect(body.items.map((s) => s.synced_commit)).toEqual([platformFirst, dataFirst]);
  });

  it('says in the session that it follows git, so the console asks for the sources', async () => {
    expect((await call('GET', '/api/v1/session')).body).toMatchObject({ git: true });
  });

  it('pages the sources like every listing', async () => {
    const { body } = await call<{ items: Array<{ name: string }>; total: number; limit: number; offset: number }>('GET', '/api/v1/git/sources?limit=1&offset=1');
    expect(body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(body.items.map((s) => s.name)).toEqual(['data']);
  });

  it('details one source with drift per definition, and names the sources for an unknown one', async () => {
    const { status, body } = await call<{ source: string; drift: Array<{ ref: string; state: string }> }>('GET', '/api/v1/git/sources/data');
    expect(status).toBe(200);
    expect(body.source).toBe('data');
    expect(body.drift.map((d) => [d.ref, d.state])).toEqual([['etl.load', 'Synced']]);
    const unknown = await call<{ error: { code: string; message: string } }>('GET', '/api/v1/git/sources/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("unknown git source 'nope'; the server follows 'platform', 'data'");
  });

  it('prints every source as a table with `harmonia git status`, and one with its drift', async () => {
    const all = await cli(['git', 'status']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^SOURCE\s+BRANCH\s+PATH\s+COMMIT\s+STATUS\s+LAST RUN\s+PACKS\s+DRIFT$/);
    expect(all.stdout).toMatch(/^platform\s+main\s+packs\s+[0-9a-f]{7}\s+Synced\s+\S+\s+1\s+1 synced$/m);
    const one = await cli(['git', 'status', 'data']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^workflow\s+etl\.load\s+Synced\s+v\d+$/m);
    const json = JSON.parse((await cli(['git', 'status', 'data', '--json'])).stdout) as { source: string };
    expect(json.source).toBe('data');
    const unknown = await cli(['git', 'status', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown git source 'nope'");
  });

  it('reads the sources through the SDK', async () => {
    const client = createClient({ baseUrl: server.url, token: TOKEN });
    expect((await client.listGitSources()).items.map((s) => s.name)).toEqual(['platform', 'data']);
    expect((await client.getGitSource('platform')).packs?.map((p) => p.pack_ref)).toEqual(['ops']);
    expect((await client.syncGitSource('platform')).outcome).toMatch(/^(synced|unchanged)$/);
  });

  it('answers the single-source status route with the sources to name', async () => {
    const { status, body } = await call<{ error: { code: string; details: { sources: string[] } } }>('GET', '/api/v1/git/status');
    expect(status).toBe(400);
    expect(body.error.code).toBe('USAGE_INVALID');
    expect(body.error.details.sources).toEqual(['platform', 'data']);
  });

  it('runs pack tasks from a folder linking each pack to its source\'s clone', () => {
    const links = join(platform.dataDir, 'git', 'packs');
    expect(readlinkSync(join(links, 'ops'))).toMatch(/platform-[0-9a-f]{16}[/\\]packs[/\\]ops$/);
    expect(readlinkSync(join(links, 'etl'))).toMatch(/data-[0-9a-f]{16}[/\\]warehouse[/\\]etl$/);
  });

  it('syncs the source a per-source webhook names, checked against that source\'s secret', async () => {
    data.write('warehouse/etl/workflows/load.yaml', workflowYaml('etl load, second'));
    const sha = data.commit('etl: second');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });

    expect((await webhook('/api/v1/git/sources/data/webhook', body, 'platform-hook-secret')).status).toBe(401);
    const synced = nextSynced('etl');
    const answer = await webhook('/api/v1/git/sources/data/webhook', body, 'data-hook-secret');
    expect(answer.status).toBe(202);
    expect(await synced).toMatchObject({ commit: sha, source: 'data' });
    expect((await platform.store.registry.getActive('workflow', 'etl.load'))?.origin).toMatchObject({ git_source: 'data', commit: sha });
  });

  it('gives a delivery to the shared webhook URL to the source whose secret signed it', async () => {
    platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy, second'));
    const sha = platform.commit('ops: second');
    const synced = nextSynced('ops');
    const answer = await webhook('/api/v1/git/webhook', JSON.stringify({ ref: 'refs/heads/main', after: sha }), 'platform-hook-secret');
    expect([answer.status, answer.body.source]).toEqual([202, 'platform']);
    expect((await synced).commit).toBe(sha);
    const listed = await call<{ items: Array<{ name: string; synced_commit: string }> }>('GET', '/api/v1/git/sources');
    expect(listed.body.items.find((s) => s.name === 'platform')?.synced_commit).toBe(sha);
  });
});
