/**
 * The engine's behaviour suites on PostgreSQL driven by a cluster node: every execution
 * is claimed under a lease and every write fenced by its token, events go through the
 * shared bus. Skipped, with a name that says so, when HARMONIA_TEST_DATABASE_URL is unset.
 */
import { describe } from 'vitest';
import { createNode } from '../../../src/cluster/index.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { useHarnessBackend } from './helpers.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('engine behaviour, cluster node'), async () => {
  const db = usePgSchema();
  useHarnessBackend({
    open: () => db.makeStore(),
    reopen: () => db.openStore(),
    async engine(options) {
      // Queued executions are claimed by the claim loop: a short interval keeps those tests quick.
      const node = createNode({ ...options, claim_interval_ms: 20 });
      await node.start();
      return { engine: node.engine, close: () => node.close({ grace_ms: 0 }) };
    },
  });
  await import('./engine-run.test.js');
  await import('./engine-controls.test.js');
  await import('./engine-recovery.test.js');
  await import('./sub-workflow-failures.test.js');
});
