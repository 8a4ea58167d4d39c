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
    // expect.poll's own default (1 s) gave up on real work (a leadership, a lease given back)
    // that a loaded 2-core CI machine had not finished yet. A poll ends as soon as it holds, so
    // a long bound costs nothing when all is well; it stays under testTimeout, so a poll that
    // never holds still fails with its expectation rather than a bare timeout.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    maxWorkers: workers,
    // Every server a test starts, in process or as a child `serve`, checks its answers
    // against /openapi.json (docs/api.md, The response contract); child servers' PostgreSQL
    // pools are smaller, so parallel test files stay under the database's max_connections.
    env: { HARMONIA_VALIDATE_RESPONSES: 'true', HARMONIA_PG_POOL_SIZE: '4' },
    ...(report ? { reporters: ['default', ['json', { outputFile: report }]] } : {}),
  },
});
