/**
 * The RegistryRepo contract, written against the Store interface only, so every
 * backend runs the same suite: `describeRegistryConformance('sqlite', makeStore)`.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DefinitionKind, PackManifest, WorkflowDef } from '../../../src/core/model.js';
import type { DefinitionQuery, NewDefinitionVersion, Store } from '../../../src/store/store.js';

function manifest(ref: string, version = '1.0.0'): PackManifest {
  return { ref, version, dependencies: [] };
}

function workflowBody(name: string, description = ''): WorkflowDef {
  return {
    version: '1.0.0',
    name,
    description,
    input: {},
    context: {},
    tasks: [{ id: 'a', action: 'core.noop', depends_on: [], input: {} }],
    output: {},
    error_handlers: [],
  };
}

function version(ref: string, hash: string, extra: Partial<NewDefinitionVersion> = {}): NewDefinitionVersion {
  const pack_ref = ref.split('.')[0] ?? ref;
  return {
    kind: 'workflow',
    ref,
    pack_ref,
    content_hash: hash,
    body: workflowBody(ref),
    source: `name: ${ref}\n`,
    file: `workflows/${ref.split('.')[1] ?? ref}.yaml`,
    origin: { source: 'local' },
    ...extra,
  };
}

/** Registers the registry contract tests for one backend. */
export function describeRegistryConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`RegistryRepo conformance (${name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const refsOf = async (kind: DefinitionKind, query: Omit<DefinitionQuery, 'kind'> = {}) =>
      (await store.registry.listActive({ kind, ...query })).items.map((item) => item.ref);

    describe('packs', () => {
      it('creates a pack and returns it by ref', async () => {
        const created = await store.registry.upsertPack(manifest('alpha'));
        expect(created.ref).toBe('alpha');
        expect(await store.registry.getPack('alpha')).toEqual(created);
      });

      it('updates the manifest of an existing pack and keeps created_at', async () => {
        const first = await store.registry.upsertPack(manifest('alpha'));
        const second = await store.registry.upsertPack({ ...manifest('alpha', '2.0.0'), label: 'Alpha' });
        expect(second.created_at).toBe(first.created_at);
        expect(second.manifest).toEqual({ ...manifest('alpha', '2.0.0'), label: 'Alpha' });
      });

      it('inserts a new pack once: of two racing inserts exactly one wins and the manifest is the winner\'s', async () => {
        const results = await Promise.all([
          store.registry.insertPack(manifest('gamma')),
          store.registry.insertPack({ ...manifest('gamma', '9.9.9'), label: 'Second' }),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect((await store.registry.getPack('gamma'))?.manifest).toEqual(winners[0]?.manifest);
        expect(await store.registry.insertPack(manifest('gamma'))).toBeNull();
      });

      it('returns null for an unknown pack', async () => {
        expect(await store.registry.getPack('nope')).toBeNull();
      });

      it('lists packs ordered by ref', async () => {
        await store.registry.upsertPack(manifest('beta'));
        await store.registry.upsertPack(manifest('alpha'));
        expect((await store.registry.listPacks()).map((p) => p.ref)).toEqual(['alpha', 'beta']);
      });

      it('deletes a pack and marks its definitions deleted but keeps their versions', async () => {
        await store.registry.upsertPack(manifest('alpha'));
        const v1 = await store.registry.addVersion(version('alpha.deploy', 'h1'));
        expect(await store.registry.deletePack('alpha')).toBe(true);
        expect(await store.registry.getPack('alpha')).toBeNull();
        expect(await store.registry.getActive('workflow', 'alpha.deploy')).toBeNull();
        expect((await store.registry.getHead('workflow', 'alpha.deploy'))?.deleted_at).not.toBeNull();
        expect(await store.registry.getById(v1.id)).toEqual(v1);
      });

      it('reports false when deleting an unknown pack', async () => {
        expect(await store.registry.deletePack('nope')).toBe(false);
      });
    });

    describe('versions', () => {
      it('registers the first version of a ref as version 1 and makes it active', async () => {
        const v1 = await store.registry.addVersion(version('alpha.deploy', 'h1'));
        expect(v1).toMatchObject({ kind: 'workflow', ref: 'alpha.deploy', pack_ref: 'alpha', version: 1 });
        expect(await store.registry.getHead('workflow', 'alpha.deploy')).toMatchObject({
          active_version: 1,
          latest_version: 1,
          pinned: false,
          deleted_at: null,
        });
        expect(await store.registry.getActive('workflow', 'alpha.deploy')).toEqual(v1);
      });

      it('round-trips the body, source, file and origin exactly', async () => {
        const origin = { source: 'git' as const, commit: 'abc123', author: 'Ann', date: '2026-01-01', message: 'x' };
        const v1 = await store.registry.addVersion(version('alpha.deploy', 'h1', { origin, source: 'a: "é"\n' }));
        const read = await store.registry.getVersion('workflow', 'alpha.deploy', 1);
        expect(read).toEqual(v1);
        expect(read?.body).toEqual(workflowBody('alpha.deploy'));
        expect(read?.origin).toEqual(origin);
        expect(read?.source).toBe('a: "é"\n');
      });

      it('adds version 2 as active and keeps version 1 retrievable', async () => {
        const v1 = await store.registry.addVersion(version('alpha.deploy', 'h1'));
        const v2 = await store.registry.addVersion(version('alpha.deploy', 'h2'));
        expect(v2.version).toBe(2);
        expect(v2.id).not.toBe(v1.id);
        expect((await store.registry.getActive('workflow', 'alpha.deploy'))?.id).toBe(v2.id);
        expect(await store.registry.getVersion('workflow', 'alpha.deploy', 1)).toEqual(v1);
        expect(await store.registry.getById(v1.id)).toEqual(v1);
      });

      it('reads a version for running without its source, by ref and version or by id, and null for an unknown one', async () => {
        const v1 = await store.registry.addVersion(version('alpha.deploy', 'h1'));
        const { source, ...runnable } = v1;
        expect(source).not.toBe('');
        expect(await store.registry.getRunnable('workflow', 'alpha.deploy', 1)).toEqual(runnable);
        expect(await store.registry.getRunnableById(v1.id)).toEqual(runnable);
        expect(await store.registry.getRunnable('workflow', 'alpha.deploy', 2)).toBeNull();
        expect(await store.registry.getRunnable('action', 'alpha.deploy', 1)).toBeNull();
        expect(await store.registry.getRunnableById('00000000-0000-0000-0000-000000000000')).toBeNull();
        // the API that shows the YAML still reads it
        expect((await store.registry.getVersion('workflow', 'alpha.deploy', 1))?.source).toBe(source);
      });

      it('refuses a first version of a ref that has one (STORE_CONFLICT), and of racing firsts lets exactly one win', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1', { first: true }));
        await expect(store.registry.addVersion(version('alpha.deploy', 'h2', { first: true }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        const racing = await Promise.allSettled([1, 2, 3].map((n) => store.registry.addVersion(version('beta.deploy', `r${n}`, { first: true }))));
        expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(racing.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['STORE_CONFLICT', 'STORE_CONFLICT']);
        expect(await store.registry.getHead('workflow', 'beta.deploy')).toMatchObject({ latest_version: 1 });
      });

      it('lists every version of a ref oldest first', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        await store.registry.addVersion(version('alpha.deploy', 'h3'));
        const all = await store.registry.listVersions('workflow', 'alpha.deploy');
        expect(all.map((v) => [v.version, v.content_hash])).toEqual([
          [1, 'h1'],
          [2, 'h2'],
          [3, 'h3'],
        ]);
      });

      it('returns null for unknown refs, versions and ids', async () => {
        expect(await store.registry.getHead('workflow', 'alpha.nope')).toBeNull();
        expect(await store.registry.getActive('workflow', 'alpha.nope')).toBeNull();
        expect(await store.registry.getVersion('workflow', 'alpha.nope', 1)).toBeNull();
        expect(await store.registry.getById('00000000-0000-0000-0000-000000000000')).toBeNull();
        expect(await store.registry.listVersions('workflow', 'alpha.nope')).toEqual([]);
      });

      it('keeps the kinds apart when a workflow and an action share a ref', async () => {
        await store.registry.addVersion(version('alpha.build', 'w1'));
        const action = await store.registry.addVersion(
          version('alpha.build', 'a1', { kind: 'action', body: { runner: 'shell', parameters: {} } }),
        );
        expect(action.version).toBe(1);
        expect((await store.registry.getActive('workflow', 'alpha.build'))?.content_hash).toBe('w1');
        expect((await store.registry.getActive('action', 'alpha.build'))?.content_hash).toBe('a1');
      });
    });

    describe('pruning, pins and purges', () => {
      it('hides a deleted ref from getActive but keeps its versions', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.markDeleted('workflow', 'alpha.deploy');
        expect(await store.registry.getActive('workflow', 'alpha.deploy')).toBeNull();
        expect((await store.registry.getVersion('workflow', 'alpha.deploy', 1))?.content_hash).toBe('h1');
      });

      it('clears deleted_at when a new version is added', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.markDeleted('workflow', 'alpha.deploy');
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        expect(await store.registry.getHead('workflow', 'alpha.deploy')).toMatchObject({
          active_version: 2,
          deleted_at: null,
        });
      });

      it('throws a not-found error when marking an unknown ref deleted', async () => {
        await expect(store.registry.markDeleted('workflow', 'alpha.nope')).rejects.toMatchObject({
          code: 'WORKFLOW_NOT_FOUND',
        });
      });

      it('keeps a pinned ref on its version when newer versions are added', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        await store.registry.setActive('workflow', 'alpha.deploy', 1, true);
        await store.registry.addVersion(version('alpha.deploy', 'h3'));
        expect(await store.registry.getHead('workflow', 'alpha.deploy')).toMatchObject({
          active_version: 1,
          latest_version: 3,
          pinned: true,
        });
        expect((await store.registry.getActive('workflow', 'alpha.deploy'))?.content_hash).toBe('h1');
      });

      it('unpins a ref by making a version active with pinned false', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.setActive('workflow', 'alpha.deploy', 1, true);
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        await store.registry.setActive('workflow', 'alpha.deploy', 2, false);
        await store.registry.addVersion(version('alpha.deploy', 'h3'));
        expect(await store.registry.getHead('workflow', 'alpha.deploy')).toMatchObject({
          active_version: 3,
          pinned: false,
        });
      });

      it('brings a deleted ref back when a version is made active', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.markDeleted('workflow', 'alpha.deploy');
        await store.registry.setActive('workflow', 'alpha.deploy', 1, false);
        expect((await store.registry.getActive('workflow', 'alpha.deploy'))?.version).toBe(1);
      });

      it('refuses to make an unknown version active', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await expect(store.registry.setActive('workflow', 'alpha.deploy', 7, true)).rejects.toMatchObject({
          code: 'VERSION_NOT_FOUND',
        });
      });

      it('purges a version that is not active', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        expect(await store.registry.purgeVersion('workflow', 'alpha.deploy', 1)).toBe(true);
        expect(await store.registry.getVersion('workflow', 'alpha.deploy', 1)).toBeNull();
        expect((await store.registry.listVersions('workflow', 'alpha.deploy')).map((v) => v.version)).toEqual([2]);
      });

      it('refuses to purge the active version', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await expect(store.registry.purgeVersion('workflow', 'alpha.deploy', 1)).rejects.toMatchObject({
          code: 'STORE_CONFLICT',
        });
        expect(await store.registry.getVersion('workflow', 'alpha.deploy', 1)).not.toBeNull();
      });

      it('reports false when purging a version that does not exist', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        expect(await store.registry.purgeVersion('workflow', 'alpha.deploy', 9)).toBe(false);
      });

      it('never reuses the number of a purged latest version', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1'));
        await store.registry.setActive('workflow', 'alpha.deploy', 1, true);
        await store.registry.addVersion(version('alpha.deploy', 'h2'));
        await store.registry.purgeVersion('workflow', 'alpha.deploy', 2);
        expect((await store.registry.addVersion(version('alpha.deploy', 'h3'))).version).toBe(3);
      });
    });

    describe('listActive() and countByPack()', () => {
      beforeEach(async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h1', { body: workflowBody('Deploy', 'ship it') }));
        await store.registry.addVersion(version('alpha.build', 'h2', { body: workflowBody('Build', 'compile 100%') }));
        await store.registry.addVersion(version('beta.report', 'h3', { body: workflowBody('Report', 'daily_sales') }));
        await store.registry.addVersion(version('beta.dailyxsales', 'h4', { body: workflowBody('Other', '') }));
      });

      it('lists active definitions ordered by ref with a total', async () => {
        const page = await store.registry.listActive({ kind: 'workflow' });
        expect(page.items.map((i) => i.ref)).toEqual(['alpha.build', 'alpha.deploy', 'beta.dailyxsales', 'beta.report']);
        expect(page.total).toBe(4);
      });

      it('filters by pack', async () => {
        expect(await refsOf('workflow', { pack_ref: 'alpha' })).toEqual(['alpha.build', 'alpha.deploy']);
      });

      it('matches text in the ref, name or description, ignoring case', async () => {
        expect(await refsOf('workflow', { text: 'DEPLOY' })).toEqual(['alpha.deploy']);
        expect(await refsOf('workflow', { text: 'build' })).toEqual(['alpha.build']);
        expect(await refsOf('workflow', { text: 'ship' })).toEqual(['alpha.deploy']);
      });

      it('treats % and _ in the text literally', async () => {
        expect(await refsOf('workflow', { text: '100%' })).toEqual(['alpha.build']);
        expect(await refsOf('workflow', { text: 'daily_sales' })).toEqual(['beta.report']);
      });

      it('pages with limit and offset and reports the total of all pages', async () => {
        const page = await store.registry.listActive({ kind: 'workflow', limit: 2, offset: 1 });
        expect(page.items.map((i) => i.ref)).toEqual(['alpha.deploy', 'beta.dailyxsales']);
        expect(page.total).toBe(4);
      });

      it('leaves out deleted refs unless include_deleted is set', async () => {
        await store.registry.markDeleted('workflow', 'alpha.deploy');
        expect(await refsOf('workflow', { pack_ref: 'alpha' })).toEqual(['alpha.build']);
        expect(await refsOf('workflow', { pack_ref: 'alpha', include_deleted: true })).toEqual([
          'alpha.build',
          'alpha.deploy',
        ]);
      });

      it('returns the active version, not the latest, of a pinned ref', async () => {
        await store.registry.setActive('workflow', 'alpha.deploy', 1, true);
        await store.registry.addVersion(version('alpha.deploy', 'h9'));
        const page = await store.registry.listActive({ kind: 'workflow', text: 'alpha.deploy' });
        expect(page.items.map((i) => i.version)).toEqual([1]);
      });

      it('lists only the kind asked for', async () => {
        expect(await refsOf('action')).toEqual([]);
      });

      it('counts the active refs of one kind in a pack', async () => {
        await store.registry.markDeleted('workflow', 'beta.report');
        expect(await store.registry.countByPack('workflow', 'alpha')).toBe(2);
        expect(await store.registry.countByPack('workflow', 'beta')).toBe(1);
        expect(await store.registry.countByPack('action', 'alpha')).toBe(0);
      });

      it('counts every pack\'s live definitions by kind in one read', async () => {
        await store.registry.markDeleted('workflow', 'beta.report');
        await store.registry.addVersion(version('alpha.build', 'h5', { kind: 'action' }));
        const counts = await store.registry.countDefinitionsByPack();
        expect(Object.fromEntries(counts)).toEqual({
          alpha: { workflow: 2, template: 0, action: 1 },
          beta: { workflow: 1, template: 0, action: 0 },
        });
      });

      it('reads the heads of a page of refs at once, leaving out unknown refs', async () => {
        await store.registry.addVersion(version('alpha.deploy', 'h9', { body: workflowBody('Deploy', 'v2') }));
        await store.registry.setActive('workflow', 'alpha.deploy', 1, true);
        const heads = await store.registry.getHeads('workflow', ['alpha.deploy', 'beta.report', 'gamma.nope']);
        expect([...heads.keys()].sort()).toEqual(['alpha.deploy', 'beta.report']);
        expect(heads.get('alpha.deploy')).toMatchObject({ active_version: 1, latest_version: 2, pinned: true });
        expect(heads.get('beta.report')).toMatchObject({ active_version: 1, latest_version: 1, pinned: false });
        expect((await store.registry.getHeads('workflow', [])).size).toBe(0);
      });
    });

    describe('definition files', () => {
      const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
      const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
      const file = (path: string, text: string) => ({ path, sha256: sha(text), content: bytes(text) });

      it('keeps each version\'s files, and a content once however many versions share it', async () => {
        const v1 = await store.registry.addVersion(version('alpha.build', 'h1', { kind: 'action' }));
        const v2 = await store.registry.addVersion(version('alpha.build', 'h2', { kind: 'action' }));
        await store.registry.addFiles(v1.id, [file('actions/build.sh', 'echo one\n')]);
        await store.registry.addFiles(v2.id, [file('actions/build.sh', 'echo two\n'), file('actions/lib.sh', 'echo one\n')]);
        expect(await store.registry.listFiles(v1.id)).toEqual([{ path: 'actions/build.sh', sha256: sha('echo one\n'), size: 9 }]);
        expect((await store.registry.listFiles(v2.id)).map((f) => f.path)).toEqual(['actions/build.sh', 'actions/lib.sh']);
        expect(new TextDecoder().decode((await store.registry.readFile(sha('echo one\n'))) ?? new Uint8Array())).toBe('echo one\n');
        expect(new TextDecoder().decode((await store.registry.readFile(sha('echo two\n'))) ?? new Uint8Array())).toBe('echo two\n');
      });

      it('stores binary content byte for byte', async () => {
        const v1 = await store.registry.addVersion(version('alpha.bin', 'h1', { kind: 'action' }));
        const content = Uint8Array.from([0, 255, 10, 13, 0, 128]);
        const sha256 = createHash('sha256').update(content).digest('hex');
        await store.registry.addFiles(v1.id, [{ path: 'actions/tool', sha256, content }]);
        expect(await store.registry.readFile(sha256)).toEqual(content);
      });

      it('answers an empty list and null for what was never registered', async () => {
        const v1 = await store.registry.addVersion(version('alpha.none', 'h1', { kind: 'action' }));
        expect(await store.registry.listFiles(v1.id)).toEqual([]);
        expect(await store.registry.readFile(sha('nothing'))).toBeNull();
      });

      it('registers a version\'s files in the transaction that adds it', async () => {
        await expect(
          store.transaction(async (tx) => {
            const v1 = await tx.registry.addVersion(version('alpha.tx', 'h1', { kind: 'action' }));
            await tx.registry.addFiles(v1.id, [file('actions/tx.sh', 'echo tx\n')]);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await store.registry.readFile(sha('echo tx\n'))).toBeNull();
      });

      it('drops a purged version\'s file list with it', async () => {
        const v1 = await store.registry.addVersion(version('alpha.purge', 'h1', { kind: 'action' }));
        await store.registry.addVersion(version('alpha.purge', 'h2', { kind: 'action' }));
        await store.registry.addFiles(v1.id, [file('actions/p.sh', 'echo p\n')]);
        expect(await store.registry.purgeVersion('action', 'alpha.purge', 1)).toBe(true);
        expect(await store.registry.listFiles(v1.id)).toEqual([]);
      });
    });

    describe('transaction()', () => {
      it('commits every write of the callback together', async () => {
        await store.transaction(async (tx) => {
          await tx.registry.upsertPack(manifest('alpha'));
          await tx.registry.addVersion(version('alpha.deploy', 'h1'));
        });
        expect(await store.registry.getPack('alpha')).not.toBeNull();
        expect(await store.registry.getActive('workflow', 'alpha.deploy')).not.toBeNull();
      });

      it('writes nothing when the callback throws', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.registry.upsertPack(manifest('alpha'));
            await tx.registry.addVersion(version('alpha.deploy', 'h1'));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.registry.getPack('alpha')).toBeNull();
        expect(await store.registry.getHead('workflow', 'alpha.deploy')).toBeNull();
        expect(await store.registry.listVersions('workflow', 'alpha.deploy')).toEqual([]);
      });
    });
  });
}
