import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../../src/core/model.js';
import { createRegistry, type Registry } from '../../../src/registry/create-registry.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { NewDefinitionVersion, Store } from '../../../src/store/store.js';

function body(name: string): WorkflowDef {
  return { version: '1.0.0', name, input: {}, context: {}, tasks: [], output: {}, error_handlers: [] };
}

function workflow(ref: string, name: string): NewDefinitionVersion {
  return {
    kind: 'workflow',
    ref,
    pack_ref: ref.split('.')[0] ?? ref,
    content_hash: name,
    body: body(name),
    source: '',
    file: 'workflows/x.yaml',
    origin: { source: 'api' },
  };
}

describe('createRegistry()', () => {
  let dir: string;
  let store: Store;
  let registry: Registry;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-registry-'));
    store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    registry = createRegistry(store);
    await store.registry.addVersion(workflow('ops.deploy', 'first'));
    await store.registry.addVersion(workflow('ops.deploy', 'second'));
    await store.registry.addVersion(workflow('ops.rollback', 'undo'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a ref to its active version', async () => {
    expect((await registry.getWorkflow('ops.deploy')).body.name).toBe('second');
  });

  it('resolves a ref and a version number to that version', async () => {
    expect((await registry.getWorkflow('ops.deploy', 1)).body.name).toBe('first');
  });

  it('resolves a version id to that version', async () => {
    const v1 = await registry.getWorkflow('ops.deploy', 1);
    expect(await registry.getWorkflow(v1.id)).toEqual(v1);
  });

  it('throws WORKFLOW_NOT_FOUND for an unknown ref', async () => {
    await expect(registry.getWorkflow('ops.nope')).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
  });

  it('throws VERSION_NOT_FOUND for a known ref without that version', async () => {
    await expect(registry.getWorkflow('ops.deploy', 9)).rejects.toMatchObject({ code: 'VERSION_NOT_FOUND' });
  });

  it('does not return a workflow version id as another kind', async () => {
    const v1 = await registry.getWorkflow('ops.deploy', 1);
    await expect(registry.getAction(v1.id)).rejects.toMatchObject({ code: 'ACTION_NOT_FOUND' });
  });

  it('treats a pruned ref as not found but keeps its versions reachable', async () => {
    await store.registry.markDeleted('workflow', 'ops.rollback');
    await expect(registry.getWorkflow('ops.rollback')).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    expect((await registry.getWorkflow('ops.rollback', 1)).body.name).toBe('undo');
  });

  it('lists workflows with a total', async () => {
    const page = await registry.listWorkflows({ pack_ref: 'ops', limit: 1 });
    expect(page.items.map((item) => item.ref)).toEqual(['ops.deploy']);
    expect(page.total).toBe(2);
  });

  it('lists every version of a ref oldest first', async () => {
    expect((await registry.versions('workflow', 'ops.deploy')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('returns the latest version even while an older one is pinned', async () => {
    await registry.pin('workflow', 'ops.deploy', 1);
    expect((await registry.latest('workflow', 'ops.deploy')).version).toBe(2);
    expect((await registry.getWorkflow('ops.deploy')).version).toBe(1);
  });

  it('finds and counts the active workflows of a pack', async () => {
    expect((await registry.findByPack('ops')).map((item) => item.ref)).toEqual(['ops.deploy', 'ops.rollback']);
    expect(await registry.countByPack('ops')).toBe(2);
    expect(await registry.countByPack('ops', 'action')).toBe(0);
  });

  it('pins a version and unpins back to the latest', async () => {
    expect(await registry.pin('workflow', 'ops.deploy', 1)).toMatchObject({ active_version: 1, pinned: true });
    expect(await registry.unpin('workflow', 'ops.deploy')).toMatchObject({ active_version: 2, pinned: false });
  });
});
