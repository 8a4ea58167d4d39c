import { describe } from 'vitest';
import { describePurgeConformance } from './purge-conformance.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from './pg-test-db.js';

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('purge'), () => {
  const db = usePgSchema();
  describePurgeConformance('postgres', () => db.makeStore());
});
