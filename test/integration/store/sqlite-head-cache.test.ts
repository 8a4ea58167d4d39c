/** Heads kept per connection (head-cache.ts): a start's head read never answers from a stale head. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-head-cache-'));
  store = createSqliteStore({ file: join(dir, 'db.sqlite') });
  await store.registry.upsertPack({ ref: 'p', version: '1.0.0', dependencies: [] });
  for (const n of [1, 2]) await addVersion(store, n);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function addVersion(target: Pick<Store, 'registry'>, n: number): Promise<void> {
  await target.registry.addVersion({
    kind: 'workflow',
    ref: 'p.flow',
    pack_ref: 'p',
    content_hash: `hash-${n}`,
    body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks: [{ id: `t${n}`, action: 'core.noop', depends_on: [], input: {} }] },
    source: '',
    file: 'workflows/flow.yaml',
    origin: { source: 'local' },
  });
}

describe('SqliteRegistryRepo.getHead()', () => {
  it('answers a write through the same store at once', async () => {
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(2);
    await store.registry.setActive('workflow', 'p.flow', 1, true);
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(1);
    await store.registry.markDeleted('workflow', 'p.flow');
    expect((await store.registry.getHead('workflow', 'p.flow'))?.deleted_at).not.toBeNull();
  });

  it('answers a write through the store inside a transaction once it commits', async () => {
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(2);
    await store.transaction(async (tx) => addVersion(tx, 3));
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(3);
  });

  it('answers a commit by another connection to the file', async () => {
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(2);
    const other = createSqliteStore({ file: join(dir, 'db.sqlite') });
    await other.registry.setActive('workflow', 'p.flow', 1, true);
    await other.close();
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(1);
  });

  it('answers a ref registered after it was asked for and found missing', async () => {
    expect(await store.registry.getHead('workflow', 'p.later')).toBeNull();
    await store.registry.addVersion({
      kind: 'workflow',
      ref: 'p.later',
      pack_ref: 'p',
      content_hash: 'later',
      body: { version: '1.0.0', input: {}, context: {}, output: {}, error_handlers: [], tasks: [] },
      source: '',
      file: 'workflows/later.yaml',
      origin: { source: 'local' },
    });
    expect((await store.registry.getHead('workflow', 'p.later'))?.active_version).toBe(1);
  });

  it('does not let a caller change what the next read answers', async () => {
    const head = await store.registry.getHead('workflow', 'p.flow');
    if (head) head.active_version = 99;
    expect((await store.registry.getHead('workflow', 'p.flow'))?.active_version).toBe(2);
  });
});
