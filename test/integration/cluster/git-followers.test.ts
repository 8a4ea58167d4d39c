/**
 * `harmonia serve --git` on several nodes sharing one PostgreSQL schema: the node that
 * does not lead git polling checks out the commit the leader synced, so the pack actions
 * it runs find their files; it follows every later sync; and a node that cannot fetch
 * says so in its git status and on /ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN } from '../cli/cli-harness.js';
import { createGitFixture, type GitFixture } from '../gitops/git-fixture.js';
import { githubSignature, pushBody } from '../server/git-harness.js';
import { readSse } from '../server/sse-client.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

const SECRET = 'followers-whsec';

interface Node {
  name: string;
  url: string;
  /** Resolves once stdout or stderr (pino lines, CLI lines) holds `needle`. */
  waitFor(needle: string | RegExp): Promise<void>;
  output(): string;
  stop(): Promise<number | null>;
}

/** Spawns `harmonia serve ...args`, keeping stdout and stderr; resolves once it listens. */
async function spawnServe(name: string, args: readonly string[], cwd: string, extraEnv: Record<string, string>): Promise<Node> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('HARMONIA_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  Object.assign(env, extraEnv);
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: Array<{ needle: string | RegExp; resolve: () => void }> = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (typeof waiter.needle === 'string' ? text.includes(waiter.needle) : waiter.needle.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const take = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    check();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const waitFor = (needle: string | RegExp): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ needle, resolve });
      check();
      void exited.then((code) => reject(new Error(`node ${name} exited (${code}) before printing ${String(needle)}:\n${text}`)));
    });
  await waitFor(/listening on http:\/\/\S+/);
  const url = /listening on (http:\/\/\S+)/.exec(text)?.[1] ?? '';
  return {
    name,
    url,
    waitFor,
    output: () => text,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

interface RunResult {
  status: string;
  output: { value?: string; dir?: string } | null;
}

/** Starts ops.run through `node` (so that node runs it) and reads its events until it ends. */
async function runShow(node: Node): Promise<RunResult> {
  const started = await fetch(`${node.url}/api/v1/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_ref: 'ops.run' }),
  });
  expect(started.status).toBe(201);
  const { id } = (await started.json()) as { id: string };
  const ended = (data: string): boolean => /"event_type":"workflow_(completed|failed|canceled)"/.test(data);
  await readSse(`${node.url}/events/executions/${id}`, { until: (message) => ended(message.data) });
  const record = (await (await fetch(`${node.url}/api/v1/executions/${id}`)).json()) as RunResult;
  return { status: record.status, output: record.output };
}

async function gitStatus(node: Node): Promise<Record<string, unknown> & { node?: Record<string, unknown> }> {
  const res = await fetch(`${node.url}/api/v1/git/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & { node?: Record<string, unknown> };
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('git followers: pack actions on a node that does not lead git polling'), () => {
  const schema = randomSchemaName();
  const dbUrl = `${TEST_DATABASE_URL ?? ''}${(TEST_DATABASE_URL ?? '').includes('?') ? '&' : '?'}schema=${schema}`;
  let repo: GitFixture;
  let leader: Node;
  let follower: Node;
  let firstSha = '';
  const nodes: Node[] = [];

  const serve = async (name: string, env: Record<string, string> = {}): Promise<Node> => {
    const node = await spawnServe(name, ['--git', repo.url, '--branch', 'main', '--git-path', 'packs', '--port', '0'], repo.root, {
      HARMONIA_DB_URL: dbUrl,
      HARMONIA_DATA_DIR: join(repo.root, `data-${name}`),
      HARMONIA_NODE_ID: name,
      HARMONIA_GIT_WEBHOOK_SECRET: SECRET,
      HARMONIA_GIT_POLL_INTERVAL: '0',
      HARMONIA_SHUTDOWN_GRACE: '500ms',
      ...env,
    });
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    assertBuilt();
    repo = createGitFixture();
    repo.write('packs/ops/pack.yaml', 'ref: ops\nversion: 1.0.0\n');
    repo.write('packs/ops/actions/show.yaml', 'description: Prints the value committed beside it\nrunner: shell\nentry_point: show.sh\n');
    // The value comes from a file of the commit; the folder tells which node's clone ran it.
    repo.write('packs/ops/actions/show.sh', 'printf \'{"value":"%s","dir":"%s"}\\n\' "$(cat actions/value.txt)" "$PWD"\n');
    repo.write('packs/ops/actions/value.txt', 'first\n');
    repo.write(
      'packs/ops/workflows/run.yaml',
      ['version: 1.0.0', 'tasks:', '  show:', '    action: ops.show', 'output:', '  value: "${tasks.show.output.value}"', '  dir: "${tasks.show.output.dir}"', ''].join('\n'),
    );
    firstSha = repo.commit('ops: show the first value');
    leader = await serve('node-a');
    follower = await serve('node-b');
    // Two node starts (migrations, a clone, a sync): far over 30 s on a loaded 2-core machine.
  }, 180_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    if (TEST_DATABASE_URL) {
      const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    await repo?.cleanup();
  }, 60_000);

  it('runs a pack action on the follower from the commit the leader synced', async () => {
    expect(leader.output()).toContain('✓ ops');
    expect(follower.output()).toContain(`"commit":"${firstSha}"`);
    const run = await runShow(follower);
    expect(run.status).toBe('completed');
    expect(run.output?.value).toBe('first');
    expect(run.output?.dir).toContain(join('data-node-b', 'git'));
  });

  it('reports the follower role, the synced commit and the local checkout', async () => {
    const status = await gitStatus(follower);
    expect(status.synced_commit).toBe(firstSha);
    expect(status.node).toMatchObject({
      node_id: 'node-b',
      role: 'follower',
      leader: 'node-a',
      leader_synced_commit: firstSha,
      checkout_commit: firstSha,
      files: 'current',
      ready: true,
    });
    expect((status.head as { sha?: string } | null)?.sha).toBe(firstSha);
    expect((await gitStatus(leader)).node).toMatchObject({ role: 'leader', leader_synced_commit: firstSha, checkout_commit: firstSha });
    expect((await fetch(`${follower.url}/ready`)).status).toBe(200);
  });

  it('checks out a new commit after the leader syncs it, and runs the new content', async () => {
    repo.write('packs/ops/actions/value.txt', 'second\n');
    const sha = repo.commit('ops: show the second value');
    const body = pushBody(sha);
    // The webhook reaches the follower: passed to the leader, which syncs and announces the commit.
    const res = await fetch(`${follower.url}/api/v1/git/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': githubSignature(body, SECRET), 'x-github-delivery': 'followers-1' },
      body,
    });
    expect(res.status).toBe(202);
    await follower.waitFor(`"commit":"${sha}"`);
    const run = await runShow(follower);
    expect(run.status).toBe('completed');
    expect(run.output?.value).toBe('second');
  });

  it('passes a POST /git/sync on the follower to the leader', async () => {
    repo.write('packs/ops/actions/value.txt', 'third\n');
    const sha = repo.commit('ops: show the third value');
    const res = await fetch(`${follower.url}/api/v1/git/sync`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, leader: 'node-a' });
    await follower.waitFor(`"commit":"${sha}"`);
    expect((await gitStatus(follower)).node).toMatchObject({ leader_synced_commit: sha, checkout_commit: sha, files: 'current' });
    expect((await runShow(follower)).output?.value).toBe('third');
  });

  it('refuses to pin from the follower, naming the leader', async () => {
    const res = await fetch(`${follower.url}/api/v1/git/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ref: firstSha }),
    });
    expect(res.status).toBe(409);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('PACK_SYNC_REFUSED');
    expect(answer.error.message).toContain("node 'node-a'");
  });

  it('reports a follower that cannot fetch in its git status and as not ready', async () => {
    // No git on this node's PATH: the fetch of the announced commit fails.
    const blind = await serve('node-c', { PATH: join(repo.root, 'no-such-bin') });
    try {
      await blind.waitFor('cannot check out the commit the git leader synced');
      const status = await gitStatus(blind);
      expect(status.node).toMatchObject({ role: 'follower', files: 'failed', ready: false, checkout_commit: null });
      expect((status.node?.error as { code?: string } | null)?.code).toBe('CONNECTION_ERROR');
      const ready = await fetch(`${blind.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not_ready' });
    } finally {
      expect(await blind.stop()).toBe(0);
    }
  }, 120_000);

  it('keeps its clone when it takes over from a leader that stops', async () => {
    expect(await leader.stop()).toBe(0);
    await follower.waitFor(/"msg":"leading"[^\n]*"key":"git-poll"|"key":"git-poll"[^\n]*"msg":"leading"/);
    const status = await gitStatus(follower);
    expect(status.node).toMatchObject({ role: 'leader', leader: 'node-b', files: 'current' });
    repo.write('packs/ops/actions/value.txt', 'fourth\n');
    const sha = repo.commit('ops: show the fourth value');
    const res = await fetch(`${follower.url}/api/v1/git/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { commit: { sha: string } }).commit.sha).toBe(sha);
    expect((await runShow(follower)).output?.value).toBe('fourth');
  }, 120_000);
});
