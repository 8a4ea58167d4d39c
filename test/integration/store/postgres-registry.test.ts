import { describe } from 'vitest';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';
import { describeRegistryConformance } from './registry-conformance.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('registry'), () => {
  const db = usePgSchema();
  describeRegistryConformance('postgres', () => db.makeStore());
});
