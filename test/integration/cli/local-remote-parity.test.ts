/**
 * `--url` changes where a command runs, never what it prints: every read command runs
 * here, in this process against the data directory, and with --url against a real
 * `harmonia serve` child process holding that same data directory (and its engine lock).
 * Both must print byte-identical --json and exit alike, errors included. On SQLite, and on
 * PostgreSQL when HARMONIA_TEST_DATABASE_URL is set.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { Captured, type Outcome } from './captured-output.js';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

const PACK: Record<string, string> = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\nlabel: Demo\ndescription: Parity pack\n',
  'packs/demo/workflows/hello.yaml': [
    'version: 1.0.0',
    'name: hello',
    'description: says hello',
    'input:',
    '  who: { type: string, default: world }',
    'tasks:',
    '  greet:',
    '    action: core.echo',
    '    input: { message: "hi ${input.who}" }',
    '  shout:',
    '    action: core.echo',
    '    depends_on: [greet]',
    '    input: { message: loud }',
    'triggers:',
    '  yearly:',
    '    schedule: { cron: "0 0 1 1 *" }',
    '',
  ].join('\n'),
  'packs/demo/workflows/noisy.yaml': [
    'version: 1.0.0',
    'name: noisy',
    'tasks:',
    '  build:',
    '    action: core.shell',
    '    input: { command: "echo compiling; echo broken >&2; exit 3", shell: true }',
    '',
  ].join('\n'),
  'packs/demo/templates/greeter.yaml': [
    'version: 1.0.0',
    'description: greets someone',
    'parameters:',
    '  who: { type: string, required: true, description: who to greet }',
    'workflow:',
    '  tasks:',
    '    greet:',
    '      action: core.echo',
    '      input: { message: "hi ${param.who}" }',
    '',
  ].join('\n'),
};

/** The suite for one backend: `dbUrl` null is SQLite under the tree's data dir. */
function parity(backend: string, dbUrl: string | null, drop: () => Promise<void>): void {
describe(`local and remote read commands (${backend})`, () => {
let dir: string;
let served: ServeProcess;
let hello: string;
let noisy: string;
let checkpoint: string;
const NOW = Date.parse('2030-01-01T00:00:00Z');
const env: Record<string, string> = { HARMONIA_HTTP_ALLOW_PRIVATE: 'true', ...(dbUrl !== null ? { HARMONIA_DB_URL: dbUrl } : {}) };

/** Runs the CLI in this process, with a clean HARMONIA_* environment, in the tree. */
async function cli(args: readonly string[]): Promise<Outcome> {
  const stdout = new Captured();
  const stderr = new Captured();
  // One clock for both runs: `execution list` prints ages, which must not tick between them.
  const code = await main(args, { env: { NO_COLOR: '1', ...env }, cwd: dir, stdout, stderr, now: () => NOW });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

beforeAll(async () => {
  assertBuilt();
  dir = makeTree(PACK);
  expect((await runCli(['sync'], { cwd: dir, env })).code).toBe(0);
  // Executions come from `harmonia run` before the server takes the engine lock.
  const ran = await runCli(['run', 'demo.hello', '--input', '{"who":"you"}'], { cwd: dir, env });
  expect(ran.code).toBe(0);
  hello = /execution (\S+) of/.exec(ran.stderr)?.[1] ?? '';
  const failed = await runCli(['run', 'demo.noisy'], { cwd: dir, env });
  expect(failed.code).toBe(1);
  noisy = /execution (\S+) of/.exec(failed.stderr)?.[1] ?? '';
  served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env });
  const post = async (path: string, body: unknown) => {
    const answer = await fetch(`${served.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(201);
    return (await answer.json()) as Record<string, unknown>;
  };
  checkpoint = String((await post('/checkpoints', { execution_id: hello })).checkpoint_id);
  await post('/components', { name: 'deployer', base_url: 'http://127.0.0.1:9/', capabilities: ['deploy'] });
}, 120_000);

afterAll(async () => {
  await served?.stop();
  if (dir) removeTree(dir);
  await drop();
});

/** Every read command with its arguments and exit code: 0 found, 1 unknown, 2 bad input. */
function readCommands(): Array<{ args: string[]; exit: 0 | 1 | 2 }> {
  return [
    { args: ['workflow', 'list'], exit: 0 },
    { args: ['workflow', 'list', '--pack', 'demo'], exit: 0 },
    { args: ['workflow', 'list', '--pack', 'nope'], exit: 1 },
    { args: ['workflow', 'show', 'demo.hello'], exit: 0 },
    { args: ['workflow', 'show', 'demo.hello', '--version', '9'], exit: 1 },
    { args: ['workflow', 'show', 'demo.nope'], exit: 1 },
    { args: ['workflow', 'versions', 'demo.hello'], exit: 0 },
    { args: ['workflow', 'versions', 'demo.nope'], exit: 1 },
    { args: ['workflow', 'versions', 'demo.hello', '--limit', '1', '--offset', '1'], exit: 0 },
    { args: ['workflow', 'versions', 'demo.hello', '--limit', '1001'], exit: 2 },
    { args: ['workflow', 'history', 'demo.hello'], exit: 0 },
    { args: ['workflow', 'history', 'demo.nope'], exit: 1 },
    { args: ['workflow', 'history', 'demo.hello', '--offset', '1', '--limit', '2'], exit: 0 },
    { args: ['workflow', 'diff', 'demo.hello', '1', '1'], exit: 0 },
    { args: ['workflow', 'diff', 'demo.hello', '1', '7'], exit: 1 },
    { args: ['pack', 'list'], exit: 0 },
    { args: ['pack', 'list', '--limit', '1'], exit: 0 },
    { args: ['pack', 'list', '--offset', '7'], exit: 0 },
    { args: ['pack', 'list', '--limit', '1001'], exit: 2 },
    { args: ['pack', 'show', 'demo'], exit: 0 },
    { args: ['pack', 'show', 'nope'], exit: 1 },
    { args: ['template', 'list'], exit: 0 },
    { args: ['template', 'list', '--pack', 'demo', '--limit', '5'], exit: 0 },
    { args: ['template', 'list', '--offset', '1'], exit: 0 },
    { args: ['template', 'show', 'demo.greeter'], exit: 0 },
    { args: ['template', 'show', 'demo.nope'], exit: 1 },
    { args: ['execution', 'list'], exit: 0 },
    { args: ['execution', 'list', '--status', 'failed', '--workflow', 'demo.noisy'], exit: 0 },
    { args: ['execution', 'list', '--status', 'bogus'], exit: 2 },
    { args: ['execution', 'list', '--since', 'last tuesday'], exit: 2 },
    { args: ['execution', 'list', '--since', '2030-01-01', '--until', '2020-01-01'], exit: 2 },
    { args: ['execution', 'list', '--text', 'x'.repeat(201)], exit: 2 },
    { args: ['execution', 'list', '--limit', '5000'], exit: 2 },
    { args: ['execution', 'list', '--sort', 'created_at', '--limit', '1', '--offset', '1'], exit: 0 },
    { args: ['execution', 'list', '--sort', '-workflow_ref'], exit: 0 },
    { args: ['execution', 'list', '--sort', 'finished_at', '--json'], exit: 0 },
    { args: ['execution', 'list', '--sort', 'size'], exit: 2 },
    { args: ['execution', 'list', '--finished-since', '2020-01-01', '--finished-until', '2100-01-01'], exit: 0 },
    { args: ['execution', 'list', '--finished-since', '2100-01-01', '--finished-until', '2020-01-01'], exit: 2 },
    { args: ['execution', 'status', hello], exit: 0 },
    { args: ['execution', 'status', noisy], exit: 0 },
    { args: ['execution', 'status', 'no-such-execution'], exit: 1 },
    { args: ['execution', 'tasks', noisy], exit: 0 },
    { args: ['execution', 'summary', noisy], exit: 0 },
    { args: ['execution', 'summary', 'no-such-execution'], exit: 1 },
    { args: ['execution', 'metrics', hello], exit: 0 },
    { args: ['execution', 'events', hello], exit: 0 },
    { args: ['execution', 'events', hello, '--after', '2'], exit: 0 },
    { args: ['execution', 'events', 'no-such-execution'], exit: 1 },
    { args: ['state', 'show', hello], exit: 0 },
    { args: ['state', 'show', 'no-such-execution'], exit: 1 },
    { args: ['checkpoint', 'list', hello], exit: 0 },
    { args: ['checkpoint', 'list', hello, '--offset', '1', '--json'], exit: 0 },
    { args: ['checkpoint', 'list', 'no-such-execution'], exit: 1 },
    { args: ['checkpoint', 'show', checkpoint], exit: 0 },
    { args: ['checkpoint', 'show', 'no-such-checkpoint'], exit: 1 },
    { args: ['component', 'list'], exit: 0 },
    { args: ['component', 'list', '--limit', '1', '--json'], exit: 0 },
    { args: ['component', 'show', 'deployer'], exit: 0 },
    { args: ['component', 'show', 'nope'], exit: 1 },
    { args: ['schedule', 'list'], exit: 0 },
    { args: ['schedule', 'list', '--offset', '1'], exit: 0 },
    { args: ['schedule', 'list', '--limit', '0'], exit: 2 },
    { args: ['schedule', 'show', 'demo.hello/yearly'], exit: 0 },
    { args: ['schedule', 'show', 'demo.hello/weekly'], exit: 1 },
    { args: ['logs', noisy], exit: 0 },
    { args: ['logs', noisy, 'build', '--stream', 'stderr'], exit: 0 },
    { args: ['logs', noisy, 'biuld'], exit: 2 },
    { args: ['logs', noisy, 'build', '--stream', 'bogus'], exit: 2 },
    { args: ['logs', 'no-such-execution'], exit: 1 },
  ];
}

  it('print byte-identical --json and exit alike, errors included', async () => {
    const differences: string[] = [];
    for (const { args, exit } of readCommands()) {
      const local = await cli([...args, '--json']);
      const remote = await cli([...args, '--json', '--url', served.url]);
      const label = `harmonia ${args.join(' ')} --json`;
      if (local.code !== exit || (exit === 0 && local.stdout === '')) {
        differences.push(`${label}: exited ${local.code} locally (stderr ${local.stderr.trim()})`);
      }
      if (local.code !== remote.code) differences.push(`${label}: exit ${local.code} locally, ${remote.code} with --url`);
      if (local.stdout !== remote.stdout) differences.push(`${label}: stdout differs\n--- local\n${local.stdout}\n--- remote\n${remote.stdout}`);
      if (local.stderr !== remote.stderr) differences.push(`${label}: stderr differs: '${local.stderr}' vs '${remote.stderr}'`);
    }
    expect(differences).toEqual([]);
  }, 300_000);

  it('print the same text tables too', async () => {
    const differences: string[] = [];
    for (const { args } of readCommands().filter((c) => c.exit === 0)) {
      const local = await cli(args);
      const remote = await cli([...args, '--url', served.url]);
      if (local.stdout !== remote.stdout || local.code !== remote.code) {
        differences.push(`harmonia ${args.join(' ')}:\n--- local\n${local.stdout}\n--- remote\n${remote.stdout}`);
      }
    }
    expect(differences).toEqual([]);
  }, 300_000);

  it('answers the same JSON error for an unknown ref: code, message, HTTP status and details', async () => {
    const local = await cli(['workflow', 'show', 'demo.nope', '--json']);
    expect(local.code).toBe(1);
    expect(JSON.parse(local.stdout)).toEqual({
      error: {
        code: 'WORKFLOW_NOT_FOUND',
        message: "unknown workflow 'demo.nope'; expected a registered ref or version id",
        status: 404,
        details: { kind: 'workflow', ref: 'demo.nope' },
      },
    });
  });
});
}

parity('SQLite', null, async () => undefined);

const schema = randomSchemaName();
describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('local and remote read commands'), () => {
  const url = TEST_DATABASE_URL ?? '';
  parity('PostgreSQL', `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`, async () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
});
