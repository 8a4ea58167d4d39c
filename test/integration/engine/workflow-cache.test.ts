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
});
