import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, removeTree, runCli, writeTree } from './cli-harness.js';

const pack = (ref: string, dependencies: string[] = []) =>
  `ref: ${ref}\nversion: 1.0.0\n${dependencies.length ? `dependencies: [${dependencies.join(', ')}]\n` : ''}`;
const valid = 'version: 1.0.0\ntasks:\n  one:\n    action: core.noop\n';
// An unknown dependency: an error that names its file, so the report shows which packs were checked.
const broken = 'version: 1.0.0\ntasks:\n  one:\n    action: core.noop\n    depends_on: [nothing]\n';

let dir: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], { cwd: dir, stdio: 'pipe' });

beforeAll(() => {
  assertBuilt();
});

beforeEach(() => {
  dir = makeTree({
    'packs/base/pack.yaml': pack('base'),
    'packs/base/workflows/a.yaml': valid,
    'packs/uses_base/pack.yaml': pack('uses_base', ['base']),
    'packs/uses_base/workflows/b.yaml': broken,
    'packs/other/pack.yaml': pack('other'),
    'packs/other/workflows/c.yaml': broken,
  });
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'first');
});

afterEach(() => {
  removeTree(dir);
});

const filesWithErrors = (stdout: string) =>
  [...new Set((JSON.parse(stdout) as { diagnostics: { file: string }[] }).diagnostics.map((d) => d.file))].sort();

describe('harmonia validate --changed-since', () => {
  it('checks the changed pack and the packs that depend on it, not the others', async () => {
    writeTree(dir, { 'packs/base/workflows/a.yaml': `${valid}# edited\n` });
    const run = await runCli(['validate', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(filesWithErrors(run.stdout)).toEqual(['packs/uses_base/workflows/b.yaml']);
    expect(run.stderr).toMatch(/changed since 'HEAD'.*packs\/base, packs\/uses_base/);
  });

  it('counts the commits of a branch since its merge base with the ref', async () => {
    git('checkout', '--quiet', '-b', 'feature');
    writeTree(dir, { 'packs/other/workflows/d.yaml': valid });
    git('add', '.');
    git('commit', '--quiet', '-m', 'feature');
    const run = await runCli(['validate', '--changed-since', 'main', '--format', 'json'], { cwd: dir });
    expect(filesWithErrors(run.stdout)).toEqual(['packs/other/workflows/c.yaml']);
  });

  it('checks nothing and succeeds when no pack changed', async () => {
    const run = await runCli(['validate', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, diagnostics: [] });
    expect(run.stderr).toMatch(/no pack changed since 'HEAD'/);
  });

  it('answers a ref that is not a git ref with a usage error', async () => {
    const run = await runCli(['validate', '--changed-since', 'no-such-ref', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no-such-ref/);
  });

  it('fails, instead of passing, when the packs folder is wrong or the command runs from a sub-folder', async () => {
    writeTree(dir, { 'packs/other/workflows/e.yaml': broken });
    const wrong = await runCli(['validate', 'pakcs', '--changed-since', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/'pakcs' holds no pack/);
    const inside = await runCli(['validate', '--changed-since', 'HEAD', '--format', 'json'], { cwd: `${dir}/packs/other` });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/holds no pack/);
  });

  it('fails when validating an empty folder', async () => {
    writeTree(dir, { 'empty/README.md': 'nothing here\n' });
    const run = await runCli(['validate', 'empty', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).diagnostics).toMatchObject([{ code: 'PACK_NOTHING_TO_VALIDATE', file: 'empty' }]);
  });
});
