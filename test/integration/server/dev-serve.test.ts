import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { invalidWorkflowYaml, packYaml, workflowYaml } from '../gitops/git-fixture.js';
import { openPackEventStream, TOKEN } from './git-harness.js';

let dir: string;
let store: Store;
let server: ServedHarmonia;
const lines: string[] = [];

const write = (file: string, text: string) => {
  mkdirSync(dirname(join(dir, 'packs', file)), { recursive: true });
  writeFileSync(join(dir, 'packs', file), text);
};
const deploy = async () =>
  (await (await fetch(`${server.url}/api/v1/workflows/ops.deploy`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as WorkflowDetail;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-dev-serve-'));
  write('ops/pack.yaml', packYaml('ops'));
  write('ops/workflows/deploy.yaml', workflowYaml('first'));
  const config = resolveConfig(
    { port: 0, host: '127.0.0.1' },
    { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_API_TOKENS: TOKEN },
  );
  store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  server = await serveHarmonia({
    config,
    store,
    env: { PATH: process.env.PATH },
    version: '9.9.9-test',
    logger: pino({ level: 'silent' }),
    dev: { log: (line) => lines.push(line) },
  });
});
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveHarmonia({ dev })', () => {
  it('syncs every pack before it listens', async () => {
    expect((await deploy()).version).toBe(1);
    expect(lines.some((line) => line.includes('✓ ops'))).toBe(true);
  });

  it('re-syncs a saved pack, streams pack_synced on /events, and serves the new version', async () => {
    const stream = await openPackEventStream(server.url, { type: 'pack_synced', where: (e) => e.pack_ref === 'ops' });
    write('ops/workflows/deploy.yaml', workflowYaml('second'));
    const event = await stream.next;
    expect(event).toMatchObject({ pack_ref: 'ops', commit: null, data: { registered: [{ kind: 'workflow', ref: 'ops.deploy', version: 2 }] } });
    const detail = await deploy();
    expect(detail).toMatchObject({ version: 2, definition: { description: 'second' } });
    expect(lines.some((line) => line.includes('ops.deploy v2'))).toBe(true);
  });

  it('reports an invalid save as pack_validation_failed with diagnostics and keeps the last good version', async () => {
    const stream = await openPackEventStream(server.url, { type: 'pack_validation_failed' });
    write('ops/workflows/deploy.yaml', invalidWorkflowYaml());
    const event = await stream.next;
    const codes = (event.data.diagnostics ?? []).map((d) => d.code);
    expect(codes.length).toBeGreaterThan(0);
    expect((await deploy()).version).toBe(2);
    const printed = lines.find((line) => line.includes(codes[0] ?? '?'));
    expect(printed).toMatch(/deploy\.yaml:\d+:\d+ {2}error {2}/);
  });

  it('refuses a schedule every 1ms on save with TRIGGER_INTERVAL_TOO_SHORT, as harmonia validate and the API do', async () => {
    const stream = await openPackEventStream(server.url, { type: 'pack_validation_failed' });
    write('ops/workflows/often.yaml', ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  tick:', '    schedule:', '      every: 1ms', ''].join('\n'));
    const event = await stream.next;
    const often = (event.data.diagnostics ?? []).filter((d) => d.file.endsWith('often.yaml'));
    expect(often).toMatchObject([{ code: 'TRIGGER_INTERVAL_TOO_SHORT', line: 7, column: 14, pointer: '/triggers/tick/schedule/every' }]);
  });
});
