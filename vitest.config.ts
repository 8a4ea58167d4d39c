import { defineConfig } from 'vitest/config';

// HARMONIA_TEST_REPORT=FILE also writes vitest's JSON report there (.ci/run prints its totals).
const report = process.env['HARMONIA_TEST_REPORT'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    ...(report ? { reporters: ['default', ['json', { outputFile: report }]] } : {}),
  },
});
