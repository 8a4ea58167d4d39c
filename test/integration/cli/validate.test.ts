import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  BIN,
  CYCLIC_WORKFLOW,
  makeTree,
  PACK_YAML,
  removeTree,
  runCli,
  VALID_WORKFLOW,
  WARNING_WORKFLOW,
} from './cli-harness.js';
import { childrenNamed, parseXml } from '../../unit/cli/xml-parser.js';

let valid: string;
let invalid: string;
let warned: string;

beforeAll(() => {
  assertBuilt();
  valid = makeTree({ 'packs/demo/pack.yaml': PACK_YAML, 'packs/demo/workflows/hello.yaml': VALID_WORKFLOW });
  invalid = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/workflows/hello.yaml': VALID_WORKFLOW,
    'packs/demo/workflows/loop.yaml': CYCLIC_WORKFLOW,
  });
  warned = makeTree({ 'packs/demo/pack.yaml': PACK_YAML, 'packs/demo/workflows/quiet.yaml': WARNING_WORKFLOW });
});

afterAll(() => {
  for (const dir of [valid, invalid, warned]) if (dir) removeTree(dir);
});

describe('harmonia validate', () => {
  it('exits 0 and says how many files are valid', async () => {
    const run = await runCli(['validate'], { cwd: valid });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('✔ 2 files valid\n');
  });

  it('exits 1 and prints a code frame for a cycle', async () => {
    const run = await runCli(['validate', 'packs'], { cwd: invalid });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^packs\/demo\/workflows\/loop\.yaml:\d+:\d+ {2}error {2}DAG_CYCLE {2}/m);
    expect(run.stdout).toMatch(/^ {2}\d+ \| {5}depends_on: \[[ab]\]\n {2} +\| +\^/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✖ \d+ errors? in 1 file$/);
  });

  it('refuses a schedule every 1ms with TRIGGER_INTERVAL_TOO_SHORT at its line and column', async () => {
    const often = makeTree({
      'packs/demo/pack.yaml': PACK_YAML,
      'packs/demo/workflows/often.yaml': ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  tick:', '    schedule:', '      every: 1ms', ''].join('\n'),
    });
    try {
      const run = await runCli(['validate', 'packs'], { cwd: often });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^packs\/demo\/workflows\/often\.yaml:7:14 {2}error {2}TRIGGER_INTERVAL_TOO_SHORT {2}every '1ms' of trigger 'tick' is shorter than the shortest interval, 1s/m);
    } finally {
      removeTree(often);
    }
  });

  it('validates a single file', async () => {
    const run = await runCli(['validate', 'packs/demo/workflows/hello.yaml'], { cwd: invalid });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('✔ 1 file valid\n');
  });

  it('reads the default folder from HARMONIA_PACKS_DIR', async () => {
    const run = await runCli(['validate'], { cwd: invalid, env: { HARMONIA_PACKS_DIR: 'nowhere' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('nowhere');
  });

  it('prints exactly one JSON document with --format json', async () => {
    const run = await runCli(['validate', '--format', 'json'], { cwd: invalid });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { valid: boolean; diagnostics: { code: string; file: string }[] };
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics.some((d) => d.code === 'DAG_CYCLE' && d.file === 'packs/demo/workflows/loop.yaml')).toBe(true);
  });

  it('prints GitHub error annotations with --format github', async () => {
    const run = await runCli(['validate', '--format', 'github'], { cwd: invalid });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=packs\/demo\/workflows\/loop\.yaml,line=\d+,col=\d+.*,title=DAG_CYCLE::/m);
  });

  it('prints a JUnit report with a failing suite for the broken file', async () => {
    const run = await runCli(['validate', '--format', 'junit'], { cwd: invalid });
    const root = parseXml(run.stdout);
    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.failures === '0'])).toEqual([
      ['packs/demo/pack.yaml', true],
      ['packs/demo/workflows/hello.yaml', true],
      ['packs/demo/workflows/loop.yaml', false],
    ]);
  });

  it('prints a SARIF log with --format sarif', async () => {
    const run = await runCli(['validate', '--format', 'sarif'], { cwd: invalid });
    const log = JSON.parse(run.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toContain('DAG_CYCLE');
  });

  it('counts warnings as valid by default', async () => {
    const run = await runCli(['validate', '--format', 'json'], { cwd: warned });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, diagnostics: [{ severity: 'warning' }] });
  });

  it('fails on warnings with --strict', async () => {
    const run = await runCli(['validate', '--strict', '--format', 'json'], { cwd: warned });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, diagnostics: [{ severity: 'error' }] });
  });

  it('drops warnings with --quiet', async () => {
    const run = await runCli(['validate', '--quiet', '--format', 'json'], { cwd: warned });
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, diagnostics: [] });
  });

  it('refuses files over --max-file-size', async () => {
    const run = await runCli(['validate', '--max-file-size', '10', '--format', 'json'], { cwd: valid });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PACK_FILE_TOO_LARGE');
  });

  it('exits 2 naming the allowed formats for an unknown --format', async () => {
    const run = await runCli(['validate', '--format', 'xml'], { cwd: valid });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Allowed choices are text, json, github, junit, sarif');
  });

  it('exits 2 for an unknown option', async () => {
    const run = await runCli(['validate', '--bogus'], { cwd: valid });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
  });

  it('exits 2 naming the variable when a setting is invalid', async () => {
    const run = await runCli(['validate'], { cwd: valid, env: { HARMONIA_MAX_FILE_SIZE: '-5' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("HARMONIA_MAX_FILE_SIZE must be a size in bytes");
    expect(run.stderr).toContain("got '-5'");
  });

  it('colours text when FORCE_COLOR is set and NO_COLOR is not', async () => {
    const run = await runCli(['validate'], { cwd: invalid, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.stdout).toContain('\u001b[31merror\u001b[39m');
  });

  it('never colours when NO_COLOR is set', async () => {
    const run = await runCli(['validate'], { cwd: invalid, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('loads neither the store nor the server libraries', async () => {
    const hook = new URL('./fixtures/forbid-heavy-modules.mjs', import.meta.url).pathname;
    const run = await runCli(['validate', 'packs/demo/workflows/hello.yaml'], { cwd: valid, nodeArgs: ['--import', hook] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('writes its report without building process.stdout or process.stderr (no stream, net or tty module)', async () => {
    const probe = new URL('./fixtures/report-streams.cjs', import.meta.url).pathname;
    // Pipes, as in CI; colour left to the terminal test, which must not load node:tty for a pipe.
    const run = await runCli(['validate'], { cwd: invalid, env: { NO_COLOR: undefined }, nodeArgs: ['--require', probe] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('loop.yaml');
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stderr).toBe('[loaded: ]\n');
  });

  it('ends as before when the reader has closed the pipe: the exit code, nothing on stderr', async () => {
    for (const [cwd, code] of [[valid, 0], [invalid, 1]] as const) {
      const child = spawn(process.execPath, [BIN, 'validate', '--format', 'json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      child.stdout.destroy(); // before node has started: every write meets EPIPE
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ exit, stderr }).toEqual({ exit: code, stderr: '' });
    }
  });

  it('shows examples in --help', async () => {
    const run = await runCli(['validate', '--help'], { cwd: valid });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('harmonia validate --format github');
  });
});
