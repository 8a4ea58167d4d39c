import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { describePurgeConformance } from './purge-conformance.js';

const root = mkdtempSync(join(tmpdir(), 'harmonia-purge-'));
let count = 0;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describePurgeConformance('sqlite', async () => {
  count += 1;
  return createSqliteStore({ file: join(root, `store-${count}.db`), synchronous: 'NORMAL' });
});
