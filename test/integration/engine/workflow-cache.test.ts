import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../../src/core/model.js';
import { createWorkflowCache } from '../../../src/engine/workflow-cache.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

const body = (n: number): WorkflowDef => ({
  version: '1.0.0',
  description: `v${n}`,
  input: {},
  context: {},
  output: {},
  error_handlers: [],
  tasks: [{ id: 'one', action: 'core.noop', depends_on: [], input: {} }],
});

describe('createWorkflowCache()', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-wfcache-'));
    store = createSqliteStore({ file: join(dir, 'h.db'), synchronous: 'NORMAL' });
    await store.registry.upsertPack({ ref: 'api', version: '1.0.0', dependencies: [] });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = async (n: number) =>
    store.registry.addVersion({
      kind: 'workflow',
      ref: `api.flow_${n}`,
      pack_ref: 'api',
      content_hash: `h${n}`,
      body: body(n),
      source: '',
      file: '',
      origin: { source: 'api' },
    });

  it('keeps at most its bound, dropping the least recently used, and reloads a dropped version', async () => {
    const cache = createWorkflowCache(store, 2);
    const [a, b, c] = [await add(1), await add(2), await add(3)];
    const first = await cache.byId(a.id);
    await cache.byId(b.id);
    expect(await cache.byId(a.id)).toBe(first); // a is now the most recently used
    await cache.byId(c.id); // drops b, the least recently used
    expect(await cache.byId(a.id)).toBe(first);
    const reloaded = await cache.byId(b.id);
    expect(reloaded.record.id).toBe(b.id);
    expect((await cache.resolve({ workflow_ref: 'api.flow_2' })).record.id).toBe(b.id);
  });

  it('keeps a version resolved again after another was used the most recently used', async () => {
    const cache = createWorkflowCache(store, 2);
    const [, b, c] = [await add(1), await add(2), await add(3)];
    const first = await cache.resolve({ workflow_ref: 'api.flow_1' });
    expect(await cache.resolve({ workflow_ref: 'api.flow_1' })).toBe(first);
    await cache.byId(b.id);
    expect(await cache.resolve({ workflow_ref: 'api.flow_1' })).toBe(first); // flow_1 is the most recent again
    await cache.byId(c.id); // drops flow_2, the least recently used
    expect(await cache.resolve({ workflow_ref: 'api.flow_1' })).toBe(first);
    expect((await cache.resolve({ workflow_ref: 'api.flow_2' })).record.id).toBe(b.id);
  });

  it('reads a version once when many ask for it before the first read lands', async () => {
    const a = await add(1);
    let reads = 0;
    let fullReads = 0;
    const registry = Object.create(store.registry) as Store['registry'];
    registry.getRunnableById = (id) => {
      reads += 1;
      return store.registry.getRunnableById(id);
    };
    // the whole row, source and all, is what the start need not read
    registry.getById = (id) => {
      fullReads += 1;
      return store.registry.getById(id);
    };
    const counted = Object.create(store) as Store;
    Object.defineProperty(counted, 'registry', { value: registry });
    const cache = createWorkflowCache(counted);
    const loaded = await Promise.all(Array.from({ length: 5 }, () => cache.byId(a.id)));
    expect([reads, fullReads]).toEqual([1, 0]);
    expect(new Set(loaded).size).toBe(1);
    expect(loaded[0]?.record).not.toHaveProperty('source');
  });

  it('fails every caller of a missing version, and reads it again when asked again', async () => {
    const cache = createWorkflowCache(store);
    const results = await Promise.allSettled([cache.byId('nope'), cache.byId('nope')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(cache.byId('nope')).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
  });
});
