import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitFixture, invalidWorkflowYaml, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature, pushBody } from '../server/git-harness.js';
import { assertBuilt, runCli } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const SECRET = 'cli-whsec';
const auth = { authorization: 'Bearer tok', 'content-type': 'application/json' };
let repo: GitFixture;
let first: string;
let serve: ServeProcess;
const env = () => ({
  HARMONIA_DATA_DIR: join(repo.root, 'served'),
  HARMONIA_API_TOKENS: 'tok',
  HARMONIA_GIT_WEBHOOK_SECRET: SECRET,
  HARMONIA_GIT_POLL_INTERVAL: '0',
});

beforeAll(async () => {
  assertBuilt();
  repo = createGitFixture();
  repo.write('packs/ops/pack.yaml', packYaml('ops'));
  repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('first'));
  first = repo.commit('ops: first deploy');
  serve = await startServeProcess(['--git', repo.url, '--branch', 'main', '--git-path', 'packs', '--port', '0'], { cwd: repo.root, env: env() });
});
afterAll(async () => {
  await serve.stop();
  await repo.cleanup();
});

async function status(): Promise<{ pinned_ref: string | null; synced_commit: string | null }> {
  return (await (await fetch(`${serve.url}/api/v1/git/status`, { headers: auth })).json()) as { pinned_ref: string | null; synced_commit: string | null };
}

describe('harmonia serve --git', () => {
  it('clones and syncs the branch before it listens, and names the webhook url', () => {
    const text = serve.stderr();
    expect(text).toContain(`git main: synced at ${first.slice(0, 7)} (ops: first deploy)`);
    expect(text).toContain('✓ ops  ops.deploy v1');
    expect(text).toContain(`webhook ${serve.url}/api/v1/git/webhook`);
  });

  it('syncs on a signed webhook and prints the run on stderr', async () => {
    repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
    const sha = repo.commit('ops: second deploy');
    const body = pushBody(sha);
    const res = await fetch(`${serve.url}/api/v1/git/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(body, SECRET), 'x-github-delivery': 'cli-1' },
      body,
    });
    expect(res.status).toBe(202);
    await serve.waitForStderr(`ops.deploy v2 at ${sha.slice(0, 7)}`);
    const detail = (await (await fetch(`${serve.url}/api/v1/workflows/ops.deploy`, { headers: auth })).json()) as { version: number };
    expect(detail.version).toBe(2);
  });

  it('prints the diagnostics of a commit that breaks a pack, like a compiler', async () => {
    repo.write('packs/ops/workflows/deploy.yaml', invalidWorkflowYaml());
    const sha = repo.commit('ops: broken');
    const res = await fetch(`${serve.url}/api/v1/git/sync`, { method: 'POST', headers: auth, body: '{}' });
    expect(res.status).toBe(200);
    const text = await serve.waitForStderr(`ops  1 error at ${sha.slice(0, 7)}`);
    expect(text).toMatch(/packs\/ops\/workflows\/deploy\.yaml:\d+:\d+ {2}error {2}\S+/);
  });
});

describe('harmonia sync --ref', () => {
  it('pins the deployment to an older sha, which the running server follows at its next run', async () => {
    const run = await runCli(['sync', '--ref', first], { cwd: repo.root, env: { ...env(), HARMONIA_GIT_URL: repo.url } });
    expect(run.stderr).toContain(`deployment pinned to '${first}'`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`git ${first}: synced at ${first.slice(0, 7)}`);

    const res = await fetch(`${serve.url}/api/v1/git/sync`, { method: 'POST', headers: auth, body: '{}' });
    expect(res.status).toBe(200);
    expect(await status()).toMatchObject({ pinned_ref: first, synced_commit: first });
  });

  it('follows the branch again when given its name', async () => {
    const run = await runCli(['sync', '--ref', 'main', '--json'], { cwd: repo.root, env: { ...env(), HARMONIA_GIT_URL: repo.url } });
    expect(run.code).toBe(1); // the head of main has a broken pack: a partial sync
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'partial', ref: 'main' });
  });

  it('is a usage error without a git source', async () => {
    const run = await runCli(['sync', '--ref', 'v1.0.0'], { cwd: repo.root, env: { HARMONIA_DATA_DIR: join(repo.root, 'other') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--ref 'v1.0.0' needs a git source; set HARMONIA_GIT_URL");
  });

  it('refuses a PATH beside --ref', async () => {
    const run = await runCli(['sync', 'packs', '--ref', 'main'], { cwd: repo.root, env: { ...env(), HARMONIA_GIT_URL: repo.url } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot be combined with a PATH');
  });
});
