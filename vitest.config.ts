import { defineConfig } from 'vitest/config';

// HARMONIA_TEST_REPORT=FILE also writes vitest's JSON report there (.ci/run prints its totals).
const report = process.env['HARMONIA_TEST_REPORT'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Every server a test starts, in process or as a child `serve`, checks its answers
    // against /openapi.json (docs/api.md, The response contract).
    env: { HARMONIA_VALIDATE_RESPONSES: 'true' },
    ...(report ? { reporters: ['default', ['json', { outputFile: report }]] } : {}),
  },
});
