/**
 * `--url` changes where a write runs, never what it answers: the same write commands run
 * in this process against one fresh data directory and, with --url, against a real
 * `harmonia serve` child process holding another fresh one built from the same files.
 * Both must print the same --json (ids and times aside: two stores mint their own) and
 * exit alike, errors included. Starts run in this process on SQLite only: on PostgreSQL the
 * server nodes drive executions, and the local CLI refuses to (USAGE_INVALID, exit 2),
 * which the PostgreSQL run checks instead.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { Captured, type Outcome } from './captured-output.js';
import { assertBuilt, makeTree, removeTree } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';
import { pgSuiteName, randomSchemaName, TEST_DATABASE_URL } from '../store/pg-test-db.js';

const PACK: Record<string, string> = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\nlabel: Demo\n',
  'packs/demo/workflows/hello.yaml': [
    'version: 1.0.0',
    'name: hello',
    'input:',
    '  who: { type: string, default: world }',
    'tasks:',
    '  greet:',
    '    action: core.echo',
    '    input: { message: "hi ${input.who}" }',
    'output:',
    '  message: "${tasks.greet.output.message}"',
    'triggers:',
    '  yearly:',
    '    schedule: { cron: "0 0 1 1 *" }',
    '',
  ].join('\n'),
  // A template body: registered with a warning, run only once instantiated.
  'packs/demo/workflows/shaped.yaml': [
    'version: 1.0.0',
    'name: shaped',
    'tasks:',
    '  process:',
    '    action: core.echo',
    '    input: { source: "${param.source}", format: "${param.format}" }',
    '',
  ].join('\n'),
  'api-workflow.yaml': ['version: 1.0.0', 'name: Data Processing Pipeline', 'tasks:', '  one:', '    action: core.echo', '    input: { n: 1 }', ''].join('\n'),
  'api-workflow-2.yaml': ['version: 1.0.0', 'name: data_processing_pipeline', 'tasks:', '  two:', '    action: core.echo', '    input: { n: 2 }', ''].join('\n'),
  // The integration guide's template flow: JSON as its client sends it, no version.
  'guide-workflow.json': JSON.stringify({
    name: 'Parametrized Process',
    tasks: [{ id: 'configurable_task', action: 'core.echo', input: { source: '${param.data_source}', options: '${param.processing_options}' } }],
  }),
  'api-invalid.yaml': ['version: 1.0.0', 'name: broken', 'tasks:', '  a:', '    action: core.echo', '    depends_on: [nope]', ''].join('\n'),
};

/** The --json of one side with what two stores mint apart (ids, times, durations) replaced. */
function normalised(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>')
    .replace(/"(\w*duration\w*|\w*_ms)": \d+(\.\d+)?/g, '"$1": <n>');
}

/** Commands that start executions: run here on SQLite, refused here on PostgreSQL. */
const STARTS = (args: readonly string[]): boolean => (args[0] === 'workflow' && args[1] === 'run') || (args[0] === 'schedule' && (args[1] === 'trigger' || args[1] === 'backfill'));

/** The suite for one backend: `dbUrls` null is SQLite under each tree's data dir, else one PostgreSQL URL per side. */
function parity(backend: string, dbUrls: { local: string; remote: string } | null, drop: () => Promise<void>): void {
describe(`local and remote write commands (${backend})`, () => {
  let localDir: string;
  let remoteDir: string;
  let served: ServeProcess;
  const base: Record<string, string> = { HARMONIA_HTTP_ALLOW_PRIVATE: 'true' };
  const localEnv = { ...base, ...(dbUrls ? { HARMONIA_DB_URL: dbUrls.local } : {}) };
  const remoteEnv = { ...base, ...(dbUrls ? { HARMONIA_DB_URL: dbUrls.remote } : {}) };

  async function cli(cwd: string, args: readonly string[]): Promise<Outcome> {
    const stdout = new Captured();
    const stderr = new Captured();
    const code = await main(args, { env: { NO_COLOR: '1', ...(cwd === localDir ? localEnv : remoteEnv) }, cwd, stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  beforeAll(async () => {
    assertBuilt();
    localDir = makeTree(PACK);
    remoteDir = makeTree(PACK);
    // Both registries start empty: the writes below fill them.
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: remoteDir, env: remoteEnv });
  }, 120_000);

  afterAll(async () => {
    await served?.stop();
    if (localDir) removeTree(localDir);
    if (remoteDir) removeTree(remoteDir);
    await drop();
  });

  /** Each write in order, with its exit code: 0 done, 1 refused (what was asked), 2 usage. */
  const writes: Array<{ args: string[]; exit: 0 | 1 | 2 }> = [
    { args: ['pack', 'validate'], exit: 0 },
    { args: ['pack', 'validate', '--strict'], exit: 1 },
    { args: ['pack', 'validate', 'demo'], exit: 0 },
    { args: ['pack', 'validate', 'nope'], exit: 1 },
    { args: ['pack', 'sync', 'demo', '--dry-run'], exit: 0 },
    { args: ['pack', 'sync'], exit: 0 },
    { args: ['pack', 'sync', 'demo'], exit: 0 },
    { args: ['pack', 'sync', 'nope'], exit: 1 },
    { args: ['workflow', 'create', 'api-workflow.yaml'], exit: 0 },
    { args: ['workflow', 'create', 'api-workflow.yaml'], exit: 0 },
    { args: ['workflow', 'create', 'api-workflow-2.yaml'], exit: 1 },
    { args: ['workflow', 'create', 'api-invalid.yaml'], exit: 1 },
    { args: ['workflow', 'update', 'api.data_processing_pipeline', 'api-workflow-2.yaml'], exit: 0 },
    { args: ['workflow', 'update', 'demo.hello', 'api-workflow-2.yaml'], exit: 1 },
    { args: ['workflow', 'delete', 'demo.hello'], exit: 1 },
    { args: ['workflow', 'delete', 'api.data_processing_pipeline'], exit: 0 },
    { args: ['workflow', 'delete', 'api.nope'], exit: 1 },
    { args: ['template', 'create', '--from-workflow', 'demo.shaped', '--name', 'Shaped Template', '--parameters', '{"source":{"type":"string"}}'], exit: 1 },
    {
      args: ['template', 'create', '--from-workflow', 'demo.shaped', '--name', 'Shaped Template', '--parameters', '{"source":{"type":"string","required":true},"format":{"type":"string","default":"json"}}'],
      exit: 0,
    },
    { args: ['template', 'create', '--from-workflow', 'demo.hello', '--name', 'shaped_template'], exit: 1 },
    { args: ['template', 'instantiate', 'api.shaped_template', '--params', '{"source":"s3://bucket/data.csv"}', '--name', 'shaped_csv'], exit: 0 },
    { args: ['template', 'instantiate', 'api.shaped_template', '--params', '{}'], exit: 1 },
    { args: ['template', 'instantiate', 'api.nope'], exit: 1 },
    { args: ['workflow', 'create', 'guide-workflow.json'], exit: 0 },
    { args: ['workflow', 'run', 'api.parametrized_process'], exit: 1 },
    {
      args: [
        'template',
        'create',
        '--from-workflow',
        'api.parametrized_process',
        '--name',
        'Data Processing Template',
        '--parameters',
        '{"data_source":{"type":"string","required":true},"processing_options":{"type":"object","default":{"normalize":true}}}',
      ],
      exit: 0,
    },
    { args: ['template', 'instantiate', 'api.data_processing_template', '--params', '{"data_source":"s3://mybucket/data.csv"}', '--name', 'guide_instance'], exit: 0 },
    { args: ['workflow', 'run', 'api.guide_instance', '--wait'], exit: 0 },
    { args: ['workflow', 'run', 'demo.hello', '--input', '{"who":"you"}', '--wait'], exit: 0 },
    { args: ['workflow', 'run', 'api.shaped_csv', '--wait'], exit: 0 },
    { args: ['workflow', 'run', 'demo.hello', '--idempotency-key', 'k-1'], exit: 0 },
    { args: ['workflow', 'run', 'demo.hello', '--idempotency-key', 'k-1'], exit: 0 },
    { args: ['workflow', 'run', 'demo.hello', '--idempotency-key', 'k-1', '--input', '{"who":"other"}'], exit: 1 },
    { args: ['workflow', 'run', 'demo.shaped'], exit: 1 },
    { args: ['workflow', 'run', 'demo.nope'], exit: 1 },
    { args: ['workflow', 'run', 'demo.hello', '--input', '{"whom":"x"}'], exit: 1 },
    { args: ['schedule', 'pause', 'demo.hello/yearly', '--note', 'maintenance'], exit: 0 },
    { args: ['schedule', 'resume', 'demo.hello/yearly'], exit: 0 },
    { args: ['schedule', 'pause', 'demo.hello/weekly'], exit: 1 },
    { args: ['schedule', 'trigger', 'demo.hello/yearly'], exit: 0 },
    { args: ['schedule', 'backfill', 'demo.hello/yearly', '--from', '2020-01-01T00:00:00Z', '--to', '2021-06-01T00:00:00Z'], exit: 0 },
    { args: ['schedule', 'backfill', 'demo.hello/yearly', '--from', '2021-01-01T00:00:00Z', '--to', '2020-01-01T00:00:00Z'], exit: 2 },
  ];

  it('print the same --json and exit alike, in order, errors included', async () => {
    const differences: string[] = [];
    for (const { args, exit } of writes) {
      const local = await cli(localDir, [...args, '--json']);
      if (dbUrls !== null && STARTS(args)) {
        const refused = local.code === 2 && (JSON.parse(local.stdout) as { error?: { code?: string } }).error?.code === 'USAGE_INVALID';
        if (!refused) differences.push(`harmonia ${args.join(' ')} --json: started here on PostgreSQL (exit ${local.code}); the nodes run executions`);
        // The server side still runs it, so what follows finds the same executions there.
        const remote = await cli(remoteDir, [...args, '--json', '--url', served.url]);
        if (remote.code !== exit) differences.push(`harmonia ${args.join(' ')} --json: exit ${remote.code} with --url, expected ${exit} (stderr ${remote.stderr.trim()})`);
        continue;
      }
      const remote = await cli(remoteDir, [...args, '--json', '--url', served.url]);
      const label = `harmonia ${args.join(' ')} --json`;
      if (local.code !== exit) differences.push(`${label}: exited ${local.code} locally, expected ${exit} (stderr ${local.stderr.trim()})`);
      if (local.code !== remote.code) differences.push(`${label}: exit ${local.code} locally, ${remote.code} with --url (stderr ${remote.stderr.trim()})`);
      if (normalised(local.stdout) !== normalised(remote.stdout)) {
        differences.push(`${label}: stdout differs\n--- local\n${local.stdout}\n--- remote\n${remote.stdout}`);
      }
    }
    expect(differences).toEqual([]);
  }, 300_000);

  it('leave both registries alike: the same workflows at the same versions', async () => {
    const local = await cli(localDir, ['workflow', 'list', '--json']);
    const remote = await cli(remoteDir, ['workflow', 'list', '--json', '--url', served.url]);
    expect(normalised(local.stdout)).toBe(normalised(remote.stdout));
    expect(JSON.parse(local.stdout).map((w: { ref: string; version: number }) => `${w.ref}@${w.version}`)).toEqual([
      'api.guide_instance@1',
      'api.parametrized_process@1',
      'api.shaped_csv@1',
      'demo.hello@1',
      'demo.shaped@1',
    ]);
  });


  it('ran the guide template instance with its values substituted, defaults included', async () => {
    const listed = await cli(remoteDir, ['execution', 'list', '--workflow', 'api.guide_instance', '--json', '--url', served.url]);
    const [execution] = (JSON.parse(listed.stdout) as { items: Array<{ execution_id: string; status: string }> }).items;
    expect(execution?.status).toBe('completed');
    const events = await cli(remoteDir, ['execution', 'events', execution?.execution_id ?? '', '--json', '--url', served.url]);
    const completed = (JSON.parse(events.stdout) as { events: Array<{ event_type: string; data: { output?: unknown } }> }).events.find((e) => e.event_type === 'task_completed');
    expect(completed?.data.output).toEqual({ source: 's3://mybucket/data.csv', options: { normalize: true } });
  });

  it('answer a missing workflow file alike: a usage error, before anything is sent', async () => {
    const local = await cli(localDir, ['workflow', 'create', 'missing.yaml', '--json']);
    const remote = await cli(remoteDir, ['workflow', 'create', 'missing.yaml', '--json', '--url', served.url]);
    expect([local.code, remote.code]).toEqual([2, 2]);
    expect(local.stdout).toBe(remote.stdout);
  });
});
}

parity('SQLite', null, async () => undefined);

const schemas = { local: randomSchemaName(), remote: randomSchemaName() };
describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('local and remote write commands'), () => {
  const url = TEST_DATABASE_URL ?? '';
  const withSchema = (schema: string): string => `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  parity('PostgreSQL', { local: withSchema(schemas.local), remote: withSchema(schemas.remote) }, async () => {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schemas.local} CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS ${schemas.remote} CASCADE`);
    await admin.end();
  });
});
