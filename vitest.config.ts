import { defineConfig } from 'vitest/config';

// HARMONIA_TEST_REPORT=FILE also writes vitest's JSON report there (.ci/run prints its totals).
const report = process.env['HARMONIA_TEST_REPORT'];
// Vitest runs one file at a time on a 2-core machine (cores - 1), but most integration files
// wait on child processes, leases and sockets rather than the CPU, so three run at once.
// HARMONIA_TEST_WORKERS overrides it.
const workers = Number(process.env['HARMONIA_TEST_WORKERS'] ?? 3);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: workers,
    // Every server a test starts, in process or as a child `serve`, checks its answers
    // against /openapi.json (docs/api.md, The response contract); child servers' PostgreSQL
    // pools are smaller, so parallel test files stay under the database's max_connections.
    env: { HARMONIA_VALIDATE_RESPONSES: 'true', HARMONIA_PG_POOL_SIZE: '4' },
    ...(report ? { reporters: ['default', ['json', { outputFile: report }]] } : {}),
  },
});
