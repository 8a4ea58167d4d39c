import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { isHarmoniaError } from '../../../src/core/errors.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

let dir = '';
const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function store(): Store {
  const made = createSqliteStore({ file: join(dir, 'harmonia.db') });
  open.push(made);
  return made;
}

describe('SQLite claimEngine()', () => {
  it('refuses a second engine on the same database, naming the holder, until the first closes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-lock-'));
    const first = store();
    first.claimEngine?.({ pid: 4242, command: 'harmonia run demo.flow' });
    const second = store();
    let refused: unknown;
    try {
      second.claimEngine?.({ pid: 4343, command: 'harmonia serve' });
    } catch (error) {
      refused = error;
    }
    expect(isHarmoniaError(refused) && refused.code).toBe('STORE_LOCKED');
    expect((refused as Error).message).toContain('process 4242 (harmonia run demo.flow');
    // Readers and writers that are not engines (sync, status) still share the database.
    expect(await second.executions.listUnfinished()).toEqual([]);
    await first.close();
    expect(() => second.claimEngine?.({ pid: 4343, command: 'harmonia serve' })).not.toThrow();
  });
});
