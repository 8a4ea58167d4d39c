import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

let dir: string;
let token = '';
let serve: ServeProcess | null = null;
const env = () => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs') });

beforeAll(() => {
  assertBuilt();
  dir = makeTree({ 'packs/.keep': '' });
});
afterAll(async () => {
  await serve?.stop();
  removeTree(dir);
});

describe('harmonia token create', () => {
  it('prints a hmn_ token once and stores only its hash in <data_dir>/tokens.json', async () => {
    const run = await runCli(['token', 'create', '--scope', 'read', '--label', 'dashboard'], { cwd: dir, env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^hmn_[A-Za-z0-9_-]+\n$/);
    token = run.stdout.trim();
    expect(run.stderr).toContain('shown only now');

    const file = readFileSync(join(dir, 'data', 'tokens.json'), 'utf8');
    expect(file).not.toContain(token);
    const stored = JSON.parse(file) as { tokens: Array<{ sha256: string; scopes: string[]; label: string }> };
    expect(stored.tokens).toEqual([
      expect.objectContaining({ sha256: createHash('sha256').update(token).digest('hex'), scopes: ['read'], label: 'dashboard' }),
    ]);
  });

  it('is accepted by a harmonia serve on that data folder, which refuses a request without it', async () => {
    serve = await startServeProcess(['--port', '0', '--host', '127.0.0.1'], { cwd: dir, env: env() });
    const withToken = await fetch(`${serve.url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    const without = await fetch(`${serve.url}/api/v1/status`);
    expect(without.status).toBe(401);
    expect(await serve.stop()).toBe(0);
    serve = null;
  });

  it('is no longer listed as active once revoked', async () => {
    const list = await runCli(['token', 'list', '--json'], { cwd: dir, env: env() });
    const [record] = JSON.parse(list.stdout) as Array<{ id: string; revoked_at: string | null }>;
    expect(record?.revoked_at).toBeNull();
    expect((await runCli(['token', 'revoke', record?.id ?? ''], { cwd: dir, env: env() })).code).toBe(0);
    const after = JSON.parse((await runCli(['token', 'list', '--json'], { cwd: dir, env: env() })).stdout) as Array<{ revoked_at: string | null }>;
    expect(after[0]?.revoked_at).not.toBeNull();
  });

  it('exits 1 naming the known ids when asked to revoke an unknown one', async () => {
    const run = await runCli(['token', 'revoke', 'tok_00000000'], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no token with id 'tok_00000000'; known ids: tok_/);
  });
});
