import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevMode, type DevMode, type DevSyncResult } from '../../../src/gitops/dev-mode.js';
import { createPackEvents, type PackEvent } from '../../../src/gitops/pack-events.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { invalidWorkflowYaml, packYaml, workflowYaml } from './git-fixture.js';

describe('createDevMode()', () => {
  let root: string;
  let packsDir: string;
  let store: Store;
  let dev: DevMode | null;
  let results: DevSyncResult[];
  let lines: string[];
  let events: PackEvent[];
  let waiters: Array<{ match: (r: DevSyncResult) => boolean; resolve: (r: DevSyncResult) => void }>;

  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(packsDir, file)), { recursive: true });
    writeFileSync(join(packsDir, file), text);
  };
  const next = (match: (r: DevSyncResult) => boolean): Promise<DevSyncResult> =>
    new Promise((resolve) => waiters.push({ match, resolve }));
  const start = async () => {
    const bus = createPackEvents();
    bus.on('*', (event) => events.push(event));
    dev = createDevMode({
      packsDir,
      store,
      syncService: createPackSyncService({ store, packsDir }),
      log: (line) => lines.push(line),
      events: bus,
      onResult: (result) => {
        results.push(result);
        for (const waiter of [...waiters]) {
          if (waiter.match(result)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(result);
          }
        }
      },
    });
    await dev.ready;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'harmonia-dev-'));
    packsDir = join(root, 'packs');
    store = createSqliteStore({ file: join(root, 'harmonia.db'), synchronous: 'NORMAL' });
    dev = null;
    results = [];
    lines = [];
    events = [];
    waiters = [];
    write('ops/pack.yaml', packYaml('ops'));
    write('ops/workflows/deploy.yaml', workflowYaml('first'));
  });
  afterEach(async () => {
    await dev?.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('syncs every pack at start', async () => {
    await start();
    expect((await store.registry.getActive('workflow', 'ops.deploy'))?.version).toBe(1);
    expect(results.map((r) => [r.pack_ref, r.trigger, r.outcome])).toEqual([['ops', 'initial', 'synced']]);
  });

  it('registers a new version when a workflow is saved, and emits pack_synced', async () => {
    await start();
    const synced = next((r) => r.trigger === 'change');
    write('ops/workflows/deploy.yaml', workflowYaml('second'));
    expect(await synced).toMatchObject({ pack_ref: 'ops', outcome: 'synced', files: ['workflows/deploy.yaml'] });
    expect((await store.registry.getActive('workflow', 'ops.deploy'))?.version).toBe(2);
    expect(events.at(-1)).toMatchObject({
      event_type: 'pack_synced',
      pack_ref: 'ops',
      commit: null,
      data: { registered: [{ kind: 'workflow', ref: 'ops.deploy', version: 2 }] },
    });
  });

  it('prints the diagnostics of an invalid save and keeps the last good version', async () => {
    await start();
    const failed = next((r) => r.trigger === 'change');
    write('ops/workflows/deploy.yaml', invalidWorkflowYaml());
    expect((await failed).outcome).toBe('invalid');
    expect((await store.registry.getActive('workflow', 'ops.deploy'))?.version).toBe(1);
    expect(lines.some((line) => line.includes('✗ ops  1 error'))).toBe(true);
    expect(lines.some((line) => line.includes(`${join(packsDir, 'ops/workflows/deploy.yaml')}:5:`))).toBe(true);
    expect(events.at(-1)?.event_type).toBe('pack_validation_failed');
  });

  it('prunes a workflow whose file is deleted', async () => {
    write('ops/workflows/rollback.yaml', workflowYaml('rollback'));
    await start();
    const synced = next((r) => r.trigger === 'change');
    rmSync(join(packsDir, 'ops/workflows/rollback.yaml'));
    expect((await synced).result?.pruned).toEqual(['ops.rollback']);
    expect(await store.registry.getActive('workflow', 'ops.rollback')).toBeNull();
  });

  it('deletes a pack whose folder is removed', async () => {
    write('web/pack.yaml', packYaml('web'));
    write('web/workflows/publish.yaml', workflowYaml('publish'));
    await start();
    const deleted = next((r) => r.outcome === 'deleted');
    rmSync(join(packsDir, 'web'), { recursive: true });
    expect((await deleted).pack_ref).toBe('web');
    expect(await store.registry.getPack('web')).toBeNull();
  });

  it('keeps a pack whose folder is removed while another pack uses it, and prints who does', async () => {
    write('web/pack.yaml', packYaml('web', ['ops']));
    write('web/workflows/publish.yaml', 'version: 1.0.0\ntasks:\n  run:\n    action: core.workflow\n    input: { workflow: ops.deploy }\n');
    await start();
    const refused = next((r) => r.pack_ref === 'ops' && r.trigger === 'change');
    rmSync(join(packsDir, 'ops'), { recursive: true });
    const result = await refused;
    expect(result.outcome).toBe('failed');
    expect(result.errors).toMatchObject([{ code: 'PACK_SYNC_REFUSED' }]);
    expect(lines.join('\n')).toContain("'web.publish' (workflow) uses 'ops.deploy'");
    expect(await store.registry.getActive('workflow', 'ops.deploy')).not.toBeNull();
  });

  it('re-syncs a pack that depends on the changed one', async () => {
    write('app/pack.yaml', packYaml('app', ['lib']));
    write(
      'app/workflows/release.yaml',
      'version: 1.0.0\ntasks:\n  build:\n    action: lib.build\n    input: { target: app }\n',
    );
    write('lib/pack.yaml', packYaml('lib'));
    await start();
    expect(results.find((r) => r.pack_ref === 'app')?.outcome).toBe('invalid');

    const app = next((r) => r.pack_ref === 'app' && r.trigger === 'dependency');
    write('lib/actions/build.sh', '#!/bin/sh\necho "{}"\n');
    write('lib/actions/build.yaml', 'description: Build\nrunner: shell\nentry_point: build.sh\n');
    expect((await app).outcome).toBe('synced');
    expect((await store.registry.getActive('workflow', 'app.release'))?.version).toBe(1);
  });
});
