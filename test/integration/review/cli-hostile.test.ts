import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, runCli } from '../cli/cli-harness.js';

let dir = '';
const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data') });

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'harmonia-cli-hostile-'));
  mkdirSync(join(dir, 'packs', 'p', 'workflows'), { recursive: true });
  writeFileSync(join(dir, 'packs', 'p', 'pack.yaml'), 'ref: p\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'packs', 'p', 'workflows', 'w.yaml'), 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n');
  writeFileSync(join(dir, 'a-file'), 'not a folder\n');
  const synced = await runCli(['sync', 'packs'], { cwd: dir, env: env() });
  expect(synced.code).toBe(0);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('harmonia run --input-file', () => {
  it('answers a missing input file with a usage error naming it, not an internal error', async () => {
    const result = await runCli(['run', 'p.w', '--input-file', 'missing.json'], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read --input-file 'missing.json' (ENOENT)");
    expect(result.stderr).not.toContain('internal error');
  });

  it('answers a folder given as the input file with a usage error', async () => {
    const result = await runCli(['run', 'p.w', '--input-file', 'packs'], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read --input-file 'packs' (EISDIR)");
  });
});

describe('remote commands with a malformed --url', () => {
  it('answers with a usage error naming the URL, not an internal error', async () => {
    const result = await runCli(['execution', 'list', '--url', 'not-a-url'], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("server URL 'not-a-url' is not valid");
    expect(result.stderr).not.toContain('internal error');
  });

  it('answers workflow list with a malformed --url the same way', async () => {
    const result = await runCli(['workflow', 'list', '--url', 'not-a-url'], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("server URL 'not-a-url' is not valid");
  });
});

describe('harmonia sync with a file for a packs folder', () => {
  it('says the path is a file rather than that it does not exist', async () => {
    const result = await runCli(['sync', 'a-file'], { cwd: dir, env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("packs directory 'a-file' is a file, not a directory");
  });
});
