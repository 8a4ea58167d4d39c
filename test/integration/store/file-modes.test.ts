import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-modes-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('the SQLite store on disk', () => {
  it('creates its data folder 0700 and its database files 0600', async () => {
    const dataDir = join(tempDir(), 'data');
    const store = createSqliteStore({ file: join(dataDir, 'harmonia.db') });
    await store.executions.listUnfinished();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'harmonia.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'harmonia.db-wal'))).toBe(0o600);
    await store.close();
  });

  it('tightens a database file of its own left readable by others', async () => {
    const dir = tempDir();
    const file = join(dir, 'old.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const store = createSqliteStore({ file });
    expect(mode(file)).toBe(0o600);
    await store.close();
  });
});
