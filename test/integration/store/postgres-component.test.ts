import { describe } from 'vitest';
import { describeComponentConformance } from './component-conformance.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('components'), () => {
  const db = usePgSchema();
  describeComponentConformance('postgres', () => db.makeStore());
});
