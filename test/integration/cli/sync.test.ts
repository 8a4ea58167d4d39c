import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  BIN,
  CYCLIC_WORKFLOW,
  makeTree,
  PACK_YAML,
  removeTree,
  runCli,
  VALID_WORKFLOW,
} from './cli-harness.js';

let dir: string;

beforeAll(() => {
  assertBuilt();
});

beforeEach(() => {
  dir = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/workflows/hello.yaml': VALID_WORKFLOW,
    'packs/demo/workflows/bye.yaml': VALID_WORKFLOW.replace('name: Hello', 'name: Bye'),
  });
});

afterEach(() => {
  if (dir) removeTree(dir);
});

const cli = (...args: string[]) => runCli(args, { cwd: dir });

/** The CHANGE (or PLAN) cell of each ref row of a sync table. */
function changes(stdout: string): Record<string, string> {
  const rows = stdout.split('\n').filter((line) => line.startsWith('demo '));
  return Object.fromEntries(rows.map((line) => line.split(/\s{2,}/)).map((cells) => [cells[2] ?? '', cells[3] ?? '']));
}

describe('harmonia sync', () => {
  it('registers new refs into the store under HARMONIA_DATA_DIR', async () => {
    const run = await cli('sync');
    expect(run.code).toBe(0);
    expect(changes(run.stdout)).toEqual({ 'demo.bye': 'created', 'demo.hello': 'created' });
    expect(run.stdout).toContain('✔ synced 1 pack: 2 created, 0 updated, 0 unchanged, 0 pruned');
    expect(existsSync(join(dir, '.harmonia', 'harmonia.db'))).toBe(true);
  });

  it('reports unchanged refs on a second sync', async () => {
    await cli('sync');
    expect(changes((await cli('sync')).stdout)).toEqual({ 'demo.bye': 'unchanged', 'demo.hello': 'unchanged' });
  });

  it('adds a version when a file changes', async () => {
    await cli('sync');
    writeFileSync(join(dir, 'packs/demo/workflows/hello.yaml'), VALID_WORKFLOW.replace('Hello', 'Hello again'));
    const run = await cli('sync');
    expect(run.stdout).toMatch(/^demo\s+workflow\s+demo\.hello\s+updated\s+2$/m);
  });

  it('writes nothing with --dry-run', async () => {
    const run = await cli('sync', '--dry-run');
    expect(changes(run.stdout)).toEqual({ 'demo.bye': 'to create', 'demo.hello': 'to create' });
    expect(run.stdout).toContain('nothing written');
    expect(JSON.parse((await cli('workflow', 'list', '--json')).stdout)).toEqual([]);
  });

  it('prunes refs whose file was deleted', async () => {
    await cli('sync');
    rmSync(join(dir, 'packs/demo/workflows/bye.yaml'));
    const run = await cli('sync');
    expect(changes(run.stdout)['demo.bye']).toBe('pruned');
    const listed = JSON.parse((await cli('workflow', 'list', '--json')).stdout) as { ref: string }[];
    expect(listed.map((w) => w.ref)).toEqual(['demo.hello']);
  });

  it('keeps refs whose file was deleted with --no-prune', async () => {
    await cli('sync');
    rmSync(join(dir, 'packs/demo/workflows/bye.yaml'));
    await cli('sync', '--no-prune');
    const listed = JSON.parse((await cli('workflow', 'list', '--json')).stdout) as { ref: string }[];
    expect(listed.map((w) => w.ref)).toEqual(['demo.bye', 'demo.hello']);
  });

  it('exits 1 and registers nothing from a pack with errors', async () => {
    writeFileSync(join(dir, 'packs/demo/workflows/loop.yaml'), CYCLIC_WORKFLOW);
    const run = await cli('sync');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/loop\.yaml:\d+:\d+ {2}error {2}DAG_CYCLE/);
    expect(run.stdout).toContain('✖ demo: ');
    expect(JSON.parse((await cli('workflow', 'list', '--json')).stdout)).toEqual([]);
  });

  it('registers the valid files with --skip-validation-errors and still exits 1', async () => {
    writeFileSync(join(dir, 'packs/demo/workflows/loop.yaml'), CYCLIC_WORKFLOW);
    const run = await cli('sync', '--skip-validation-errors');
    expect(run.code).toBe(1);
    const listed = JSON.parse((await cli('workflow', 'list', '--json')).stdout) as { ref: string }[];
    expect(listed.map((w) => w.ref)).toEqual(['demo.bye', 'demo.hello']);
  });

  it('syncs one pack when PATH is a pack folder', async () => {
    const run = await cli('sync', 'packs/demo');
    expect(run.code).toBe(0);
    expect(Object.keys(changes(run.stdout))).toEqual(['demo.bye', 'demo.hello']);
  });

  it('prints the results as JSON with --json', async () => {
    const run = await cli('sync', '--json');
    const doc = JSON.parse(run.stdout) as { dry_run: boolean; packs: { pack_ref: string; plan: unknown[] }[] };
    expect(doc.dry_run).toBe(false);
    expect(doc.packs.map((p) => [p.pack_ref, p.plan.length])).toEqual([['demo', 2]]);
  });

  it('refuses to delete every registered pack unless --allow-empty', async () => {
    await cli('sync');
    removeTree(join(dir, 'packs/demo'));
    const refused = await cli('sync');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('would delete every registered pack');
    expect((await cli('sync', '--allow-empty')).code).toBe(0);
  });
});

describe('harmonia workflow', () => {
  beforeEach(async () => {
    await cli('sync');
  });

  it('lists workflows as an aligned table', async () => {
    const run = await cli('workflow', 'list');
    expect(run.stdout).toBe(
      ['REF         VERSION  TASKS  NAME', 'demo.bye          1      2  Bye', 'demo.hello        1      2  Hello', ''].join('\n'),
    );
  });

  it('filters by pack and exits 1 for an unknown pack', async () => {
    expect(JSON.parse((await cli('workflow', 'list', '--pack', 'demo', '--json')).stdout)).toHaveLength(2);
    const unknown = await cli('workflow', 'list', '--pack', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown pack 'nope'");
  });

  it('shows a workflow with its tasks', async () => {
    const run = await cli('workflow', 'show', 'demo.hello');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^demo\.hello {2}version 1 \(active, latest 1\)$/m);
    expect(run.stdout).toMatch(/^shout\s+core\.echo\s+greet$/m);
  });

  it('shows a chosen version as JSON', async () => {
    const run = await cli('workflow', 'show', 'demo.hello', '--version', '1', '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ ref: 'demo.hello', version: 1, active_version: 1 });
  });

  it('exits 1 for an unknown workflow or version', async () => {
    const unknown = await cli('workflow', 'show', 'demo.nope');
    expect([unknown.code, unknown.stderr]).toEqual([1, "harmonia: unknown workflow 'demo.nope'; expected a registered ref or version id (WORKFLOW_NOT_FOUND, HTTP 404)\n"]);
    expect((await cli('workflow', 'show', 'demo.hello', '--version', '9')).code).toBe(1);
  });

  it('exits 2 for a version that is not a number', async () => {
    const run = await cli('workflow', 'show', 'demo.hello', '--version', 'two');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("expected a whole number of 1 or more, got 'two'");
  });
});

describe('harmonia pack list', () => {
  it('lists packs with their definition counts', async () => {
    await cli('sync');
    const run = await cli('pack', 'list');
    expect(run.stdout).toMatch(/^demo\s+1\.0\.0\s+2\s+0\s+0\s+Demo pack$/m);
    expect(JSON.parse((await cli('pack', 'list', '--json')).stdout)).toMatchObject([{ ref: 'demo', workflow_count: 2, template_count: 0, action_count: 0 }]);
  });
});

describe('harmonia start', () => {
  it('syncs the packs folder, serves it over HTTP and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', HARMONIA_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    try {
      expect(stderr).toMatch(/demo\.hello/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const list = (await (await fetch(`${url}/api/v1/workflows`)).json()) as { items: { ref: string }[] };
      expect(list.items.map((w) => w.ref)).toEqual(['demo.bye', 'demo.hello']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
