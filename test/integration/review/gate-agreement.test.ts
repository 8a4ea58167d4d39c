/**
 * One verdict at every gate: each tree below goes through `harmonia validate` (the built
 * CLI, JSON and SARIF), the REST validate and sync routes, dev mode and a git sync, and
 * every gate must name the same errors at the same places, leak no secret, and leave the
 * registry untouched when it refuses. The trees are the cases the outside-in audit found
 * a gate wrong on.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { createDevMode, type DevSyncResult } from '../../../src/gitops/dev-mode.js';
import { createGitSyncController } from '../../../src/gitops/git-sync-controller.js';
import { createGitSource } from '../../../src/packs/git-source.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { assertBuilt, runCli } from '../cli/cli-harness.js';
import { openServer, type ServerHarness } from '../server/server-harness.js';

const SECRET = 'S3CR3T-VALUE-XYZ';
const P = (ref: string, deps = '') => `ref: ${ref}\nversion: 1.0.0\n${deps}`;

/** Tree name → files under packs/. Each is refused; `where` lists its errors. */
const TREES: Record<string, { files: Record<string, string | Uint8Array>; where: string[] }> = {
  secret_literals: {
    files: {
      'sec/pack.yaml': P('sec'),
      'sec/actions/act.yaml': 'runner: shell\nentry_point: act.sh\nparameters:\n  tok: { type: integer, secret: true }\n',
      'sec/actions/act.sh': '#!/bin/sh\n',
      'sec/workflows/flow.yaml': `version: 1.0.0\ninput:\n  key: { type: string, secret: true, enum: [a], default: "${SECRET}" }\ntasks:\n  a: { action: sec.act, input: { tok: "${SECRET}" } }\n`,
    },
    where: ['INPUT_DEFAULT_INVALID packs/sec/workflows/flow.yaml:3:58', 'TASK_INPUT_INVALID_VALUE packs/sec/workflows/flow.yaml:5:39'],
  },
  alias_errors: {
    files: {
      'yml/pack.yaml': P('yml'),
      'yml/workflows/alias.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n  b:   *nope\n',
      'yml/workflows/merge.yaml': 'version: 1.0.0\ntasks:\n  a:\n    <<: 5\n    action: core.noop\n',
    },
    where: ['YAML_SYNTAX packs/yml/workflows/alias.yaml:4:8', 'YAML_SYNTAX packs/yml/workflows/merge.yaml:4:9'],
  },
  not_utf8: {
    files: {
      'bin/pack.yaml': P('bin'),
      'bin/workflows/latin.yaml': new Uint8Array([...new TextEncoder().encode('version: 1.0.0\nname: caf'), 0xe9, 0x0a]),
    },
    where: ['PACK_FILE_NOT_UTF8 packs/bin/workflows/latin.yaml:2:10'],
  },
  after_typo: {
    files: {
      'ops/pack.yaml': P('ops'),
      'ops/workflows/build.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
      'ops/workflows/deploy.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\ntriggers:\n  on_build:\n    after: { workflow: ops.biuld }\n',
    },
    where: ['TRIGGER_UNKNOWN_WORKFLOW packs/ops/workflows/deploy.yaml:6:24'],
  },
  bad_pack_name: {
    files: {
      'Bad/pack.yaml': 'ref: Bad\nversion: 1.0.0\n',
      'Bad/workflows/w.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
    },
    where: ['PACK_INVALID_NAME packs/Bad/pack.yaml:0:0', 'SCHEMA_PATTERN packs/Bad/pack.yaml:1:6'],
  },
  long_typo: {
    files: {
      'big/pack.yaml': P('big'),
      'big/workflows/w.yaml': `version: 1.0.0\ntasks:\n  - id: ${'a'.repeat(20000)}\n    action: core.noop\n  - id: b\n    action: core.noop\n    depends_on: [${'a'.repeat(20000)}b]\n`,
    },
    where: ['DAG_UNKNOWN_DEPENDENCY packs/big/workflows/w.yaml:7:18'],
  },
};

/** The workflow refs a tree's files would register. */
const workflowRefs = (files: Record<string, unknown>) =>
  Object.keys(files).filter((f) => f.includes('/workflows/')).map((f) => `${f.split('/')[0]}.${f.split('/').pop()?.replace(/\.ya?ml$/, '')}`);

const at = (ds: readonly Diagnostic[]) =>
  ds.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line}:${d.column}`).sort();

function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
}

let work: string;
let server: ServerHarness;
beforeAll(async () => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'harmonia-gates-'));
  server = await openServer({ files: Object.assign({}, ...Object.values(TREES).map((t) => t.files)) as Record<string, string> });
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe.each(Object.entries(TREES))('the %s tree', (name, tree) => {
  const expected = [...tree.where].sort();
  const packRef = Object.keys(tree.files)[0]?.split('/')[0] ?? '';
  const dir = () => join(work, name);

  it('is refused by harmonia validate, in JSON and SARIF, at the same places', async () => {
    writeTree(join(dir(), 'packs'), tree.files);
    const json = await runCli(['validate', 'packs', '--format', 'json'], { cwd: dir() });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    expect([report.valid, at(report.diagnostics)]).toEqual([false, expected]);
    const sarif = await runCli(['validate', 'packs', '--format', 'sarif'], { cwd: dir() });
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { region?: { startLine: number; startColumn: number } } }> }> }> }).runs[0]?.results ?? [];
    const lines = results.filter((r) => r.level === 'error').map((r) => `${r.ruleId} ${r.locations[0]?.physicalLocation.region?.startLine ?? 0}:${r.locations[0]?.physicalLocation.region?.startColumn ?? 0}`).sort();
    expect(lines).toEqual(expected.map((e) => `${e.split(' ')[0]} ${e.split(':').slice(-2).join(':')}`).sort());
    expect(json.stdout + sarif.stdout + json.stderr).not.toContain(SECRET);
  });

  it('gets the same verdict from REST validate and sync of the packs folder, which registers nothing of it', async () => {
    const mine = (ds: readonly Diagnostic[]) => at(ds.filter((d) => d.file.startsWith(`packs/${packRef}/`)));
    const validated = await server.call<{ ok: boolean; diagnostics: Diagnostic[] }>('POST', '/api/packs/validate');
    expect(validated.status).toBe(200);
    expect([validated.body.ok, mine(validated.body.diagnostics)]).toEqual([false, expected]);
    const synced = await server.call<{ diagnostics: Diagnostic[] }>('POST', '/api/packs/sync');
    expect(synced.status).toBe(200);
    expect(mine(synced.body.diagnostics)).toEqual(expected);
    expect(validated.text + synced.text).not.toContain(SECRET);
    for (const ref of workflowRefs(tree.files)) expect(await server.store.registry.getActive('workflow', ref)).toBeNull();
  });

  it('gets the same verdict from dev mode and from a git sync', async () => {
    const packsDir = join(dir(), 'dev', 'packs');
    cpSync(join(dir(), 'packs'), packsDir, { recursive: true });
    const store = createSqliteStore({ file: join(dir(), 'dev', 'h.db'), synchronous: 'NORMAL' });
    const results: DevSyncResult[] = [];
    const lines: string[] = [];
    const dev = createDevMode({ packsDir, store, syncService: createPackSyncService({ store, packsDir, displayDir: 'packs' }), log: (l) => lines.push(l), onResult: (r) => results.push(r) });
    await dev.ready;
    await dev.close();
    expect(at(results.flatMap((r) => r.errors))).toEqual(expected);
    expect(results.map((r) => r.outcome)).toEqual(['invalid']);
    expect(lines.join('\n')).not.toContain(SECRET);
    for (const ref of workflowRefs(tree.files)) expect(await store.registry.getActive('workflow', ref)).toBeNull();
    await store.close();

    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=A', '-c', 'user.email=a@example.com', ...args], { cwd, stdio: 'pipe' });
    const remote = join(dir(), 'remote.git');
    const clone = join(dir(), 'clone');
    mkdirSync(clone);
    git(dir(), 'init', '-q', '--bare', '--initial-branch=main', remote);
    git(clone, 'init', '-q', '--initial-branch=main');
    cpSync(join(dir(), 'packs'), join(clone, 'packs'), { recursive: true });
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'tree');
    git(clone, 'push', '-q', remote, 'main');
    const gitStore = createSqliteStore({ file: join(dir(), 'git', 'h.db'), synchronous: 'NORMAL' });
    const source = createGitSource({ url: pathToFileURL(remote).href, dataDir: join(dir(), 'git'), env: process.env });
    const controller = createGitSyncController({ source, store: gitStore, pollIntervalSeconds: 0, stateFile: null });
    const report = await controller.start();
    await controller.stop();
    expect(at(report.packs.flatMap((p) => p.errors))).toEqual(expected);
    expect(report.packs.map((p) => p.state)).toEqual(['invalid']);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    for (const ref of workflowRefs(tree.files)) expect(await gitStore.registry.getActive('workflow', ref)).toBeNull();
    await gitStore.close();
  });
});
