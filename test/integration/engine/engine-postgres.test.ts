/**
 * The engine's behaviour suites again on PostgreSQL: once with the engine alone on the
 * store, once driven by a cluster node (leases, fenced writes, the shared bus). Skipped,
 * with a name that says so, when HARMONIA_TEST_DATABASE_URL is unset.
 */
import { describe } from 'vitest';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { useHarnessBackend } from './helpers.js';

async function importSuites(): Promise<void> {
  await import('./engine-run.test.js');
  await import('./engine-controls.test.js');
  await import('./engine-recovery.test.js');
  await import('./task-logs.test.js');
  await import('./engine-reads.test.js');
  await import('./skip-and-retry-controls.test.js');
  await import('./sub-workflow-failures.test.js');
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('engine behaviour, engine alone'), async () => {
  const db = usePgSchema();
  useHarnessBackend({ open: () => db.makeStore(), reopen: () => db.openStore() });
  await importSuites();
});
