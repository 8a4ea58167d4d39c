import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, removeTree, ROOT, runCli } from './cli-harness.js';

let dir: string;

beforeAll(() => {
  assertBuilt();
  dir = makeTree({});
});

afterAll(() => {
  if (dir) removeTree(dir);
});

describe('harmonia config', () => {
  it('prints each setting with its value and source', async () => {
    const run = await runCli(['config'], { cwd: dir, env: { HARMONIA_PORT: '9000' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^HARMONIA_PORT\s+9000\s+env$/m);
    expect(run.stdout).toMatch(/^HARMONIA_HOST\s+127\.0\.0\.1\s+default$/m);
  });

  it('masks secrets in JSON output', async () => {
    const run = await runCli(['config', '--json'], { cwd: dir, env: { HARMONIA_TOKEN: 'sekrit', HARMONIA_API_TOKENS: 'a,b' } });
    expect(run.stdout).not.toContain('sekrit');
    expect(JSON.parse(run.stdout)).toMatchObject({ token: '********', api_tokens: ['********', '********'] });
  });

  it('reads .env.harmonia from the working directory, below the environment', async () => {
    const withFile = makeTree({ '.env.harmonia': 'HARMONIA_PORT=7000\nHARMONIA_HOST=0.0.0.0\n' });
    const run = await runCli(['config', '--json'], { cwd: withFile, env: { HARMONIA_HOST: 'localhost' } });
    removeTree(withFile);
    expect(JSON.parse(run.stdout)).toMatchObject({ port: 7000, host: 'localhost', sources: { port: 'file', host: 'env' } });
  });

  it('exits 2 naming the variable and value when a setting is invalid', async () => {
    const run = await runCli(['config'], { cwd: dir, env: { HARMONIA_PORT: 'abc' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("harmonia: HARMONIA_PORT must be an integer from 0 to 65535, got 'abc'\n");
  });

  it('exits 2 for a typo in .env.harmonia', async () => {
    const typo = makeTree({ '.env.harmonia': 'HARMONIA_DATA_DRI=x\n' });
    const run = await runCli(['config'], { cwd: typo });
    removeTree(typo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("did you mean 'HARMONIA_DATA_DIR'?");
  });

  it(".env.harmonia in the source documents' form: serve exits 2 before opening anything, naming every line and what to write instead", async () => {
    const seed = makeTree({ '.env.harmonia': '# Execution policies\nENABLE_AUTO_RETRY=true\nENABLE_CHECKPOINTS=true\n\n# Resource limits\nMAX_WORKFLOW_DEPTH=10\nMAX_TASK_DURATION=7200\n' });
    const run = await runCli(['serve', '--port', '0'], { cwd: seed });
    const dataDirMade = existsSync(join(seed, '.harmonia'));
    removeTree(seed);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        'harmonia: .env.harmonia holds 4 names that are no setting; Harmonia reads only HARMONIA_* settings from it:',
        "  ENABLE_AUTO_RETRY: there is no switch: a task retries per its retry policy; 'HARMONIA_RETRY_MAX_ATTEMPTS' is the default attempt count",
        "  ENABLE_CHECKPOINTS: use 'HARMONIA_CHECKPOINT_INTERVAL' (seconds; 0 turns automatic checkpoints off)",
        "  MAX_WORKFLOW_DEPTH: did you mean 'HARMONIA_MAX_WORKFLOW_DEPTH'? (every setting starts with HARMONIA_)",
        "  MAX_TASK_DURATION: use 'HARMONIA_DEFAULT_TIMEOUT' (seconds, or with a unit) or a task's timeout_ms",
        '',
      ].join('\n'),
    );
    expect(dataDirMade).toBe(false);
  });

  it('reads .env.harmonia once its names carry the HARMONIA_ prefix', async () => {
    const fixed = makeTree({ '.env.harmonia': 'HARMONIA_MAX_WORKFLOW_DEPTH=10\nHARMONIA_DEFAULT_TIMEOUT=7200\n' });
    const run = await runCli(['config', '--json'], { cwd: fixed });
    removeTree(fixed);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ max_workflow_depth: 10, default_timeout_ms: 7_200_000, sources: { max_workflow_depth: 'file' } });
  });
});

describe('harmonia (no command)', () => {
  it('prints help and exits 2', async () => {
    const run = await runCli([], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: harmonia');
  });

  it('exits 2 with a suggestion for an unknown command', async () => {
    const run = await runCli(['valdate'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(Did you mean validate?)');
  });

  it('prints the version', async () => {
    const run = await runCli(['--version'], { cwd: dir });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([run.code, run.stdout]).toEqual([0, `${version}\n`]);
  });
});
