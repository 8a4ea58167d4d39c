import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHarmoniaError } from '../../../src/core/errors.js';
import { changedPacks, createGitSource } from '../../../src/packs/git-source.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from './git-fixture.js';

const TOKEN = 'ghp_exampleTokenThatMustNeverLeak123';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('createGitSource()', () => {
  let fx: GitFixture;
  let server: Server | null;
  let requests: IncomingHttpHeaders[];

  /** An HTTP "git host" that records request headers and refuses every request. */
  const startHost = async (): Promise<number> => {
    requests = [];
    server = createServer((req, res) => {
      requests.push(req.headers);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server?.address() as AddressInfo).port;
  };

  beforeEach(() => {
    fx = createGitFixture();
    server = null;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await fx.cleanup();
  });

  it('sends the token as a basic authorization header and keeps it out of the error', async () => {
    const port = await startHost();
    const source = createGitSource({
      url: `http://127.0.0.1:${port}/acme/flows.git`,
      dataDir: fx.dataDir,
      token: TOKEN,
      env: process.env,
    });
    const error = await failure(source.update());

    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    expect(requests[0]?.authorization).toBe(`Basic ${basic}`);
    expect(isHarmoniaError(error) && error.code).toBe('CONNECTION_ERROR');
    expect(JSON.stringify({ message: error.message, details: (error as { details?: unknown }).details })).not.toMatch(
      new RegExp(`${TOKEN}|${basic}`),
    );
    expect(error.cause).toBeUndefined();
  });

  it('masks credentials embedded in the url', async () => {
    const port = await startHost();
    const source = createGitSource({ url: `http://deploy:s3cretpass@127.0.0.1:${port}/flows.git`, dataDir: fx.dataDir });
    const error = await failure(source.update());
    expect(source.url).toBe(`http://***@127.0.0.1:${port}/flows.git`);
    expect(error.message).not.toContain('s3cretpass');
    expect(error.message).toContain('***@');
  });

  it('keeps credentials embedded in the url out of the clone\'s .git/config, sending them as the token is sent', async () => {
    // The clone lives on disk for as long as the server follows the repository: a password
    // in its config would outlive the process and be read by whatever can read the clone.
    const port = await startHost();
    const source = createGitSource({ url: `http://deploy:s3cret%40pass@127.0.0.1:${port}/flows.git`, dataDir: fx.dataDir });
    await failure(source.update());
    expect(readFileSync(join(source.dir, '.git', 'config'), 'utf8')).not.toMatch(/s3cret|deploy:/);
    expect(requests[0]?.authorization).toBe(`Basic ${Buffer.from('deploy:s3cret@pass').toString('base64')}`);
    // A clone an older version made, with the credentials in its config, is cleaned on the next update.
    const url = `http://deploy:s3cret%40pass@127.0.0.1:${port}/flows.git`;
    execFileSync('git', ['remote', 'set-url', 'origin', url], { cwd: source.dir });
    await failure(createGitSource({ url, dataDir: fx.dataDir }).update());
    expect(readFileSync(join(source.dir, '.git', 'config'), 'utf8')).not.toMatch(/s3cret|deploy:/);
  });

  it('checks out the branch head and reports its commit', async () => {
    fx.write('packs/ops/pack.yaml', packYaml('ops'));
    const sha = fx.commit('add ops', { author: 'Grace Hopper <grace@example.com>' });
    const source = createGitSource({ url: fx.url, dataDir: fx.dataDir });
    const checkout = await source.update();
    expect(checkout.commit).toMatchObject({ sha, author: 'Grace Hopper <grace@example.com>', message: 'add ops' });
    expect(checkout.packsDir).toBe(`${source.dir}/packs`);
  });

  it('refuses an unknown tag or sha with VERSION_NOT_FOUND', async () => {
    fx.commit('empty');
    const source = createGitSource({ url: fx.url, dataDir: fx.dataDir });
    const error = await failure(source.update('no-such-tag'));
    expect(isHarmoniaError(error) && error.code, error.message).toBe("VERSION_NOT_FOUND");
  });
});

describe('changedPacks()', () => {
  let fx: GitFixture;
  beforeEach(() => {
    fx = createGitFixture();
    for (const pack of ['api', 'ops', 'web', 'idle']) {
      fx.write(`packs/${pack}/pack.yaml`, packYaml(pack));
      fx.write(`packs/${pack}/workflows/main.yaml`, workflowYaml(pack));
    }
    fx.commit('base');
    fx.git('tag', 'base');
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('lists packs changed in commits, in the index, in the working tree and as untracked files', async () => {
    fx.write('packs/ops/workflows/main.yaml', workflowYaml('ops changed'));
    fx.write('README.md', 'not a pack\n');
    fx.commit('change ops');
    fx.write('packs/api/workflows/main.yaml', workflowYaml('api staged'));
    fx.git('add', 'packs/api');
    fx.write('packs/web/workflows/new.yaml', workflowYaml('web untracked'));
    expect(await changedPacks(fx.work, 'base', 'packs')).toEqual(['api', 'ops', 'web']);
  });

  it('lists a pack that was deleted', async () => {
    fx.remove('packs/idle');
    expect(await changedPacks(fx.work, 'base', 'packs')).toEqual(['idle']);
  });

  it('refuses an unknown ref with USAGE_INVALID', async () => {
    const error = await failure(changedPacks(fx.work, 'no-such-ref', 'packs'));
    expect(isHarmoniaError(error) && error.code).toBe('USAGE_INVALID');
  });
});
