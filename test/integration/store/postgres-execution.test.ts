import { describe } from 'vitest';
import { describeExecutionConformance } from './execution-conformance.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('executions'), () => {
  const db = usePgSchema();
  describeExecutionConformance('postgres', () => db.makeStore());
});
