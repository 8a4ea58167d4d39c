import { describe, it, expect } from 'vitest';
import { assertBuilt } from '../cli/cli-harness.js';
import { pgSuiteName, TEST_DATABASE_URL, usePgSchema } from '../store/pg-test-db.js';
import { runChaos } from './run-chaos.js';

// Fixed seeds keep CI deterministic in what they generate; `npm run soak` (HARMONIA_SOAK_SECONDS)
// runs fresh seeds for as long as asked, and HARMONIA_CHAOS_SEED replays one.
const SOAK_SECONDS = Number(process.env.HARMONIA_SOAK_SECONDS ?? 0);
const SEEDS = process.env.HARMONIA_CHAOS_SEED ? [Number(process.env.HARMONIA_CHAOS_SEED)] : [20261204, 7, 4242];

describe('crash invariants (random workflows, engine killed at random points)', () => {
  if (SOAK_SECONDS > 0) {
    it(`keeps every promise for ${SOAK_SECONDS} s of fresh seeds`, async () => {
      assertBuilt();
      const until = Date.now() + SOAK_SECONDS * 1000;
      let runs = 0;
      while (Date.now() < until) {
        const seed = Math.floor(Math.random() * 2 ** 31);
        const report = await runChaos({ seed, executions: 12, kills: 8 });
        runs += 1;
        process.stdout.write(`seed ${seed}: ${report.kills} kills, ${report.problems.length} problems\n`);
        expect(report.problems, `seed ${seed} (replay with HARMONIA_CHAOS_SEED=${seed}): ${report.problems.join('\n')}`).toEqual([]);
      }
      process.stdout.write(`${runs} seeds passed\n`);
    }, (SOAK_SECONDS + 600) * 1000);
    return;
  }
  for (const seed of SEEDS) {
    it(`keeps every promise with seed ${seed}`, async () => {
      assertBuilt();
      const report = await runChaos({ seed, executions: 8, kills: 5 });
      expect(report.problems, `seed ${seed}: ${report.problems.join('\n')}`).toEqual([]);
      expect(report.kills).toBeGreaterThan(0);
    }, 120_000);
  }
});

const PG_SEEDS = process.env.HARMONIA_CHAOS_SEED ? [Number(process.env.HARMONIA_CHAOS_SEED)] : [99, 2026];

for (const seed of SOAK_SECONDS > 0 ? [] : PG_SEEDS) {
  describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName(`crash invariants on several nodes, seed ${seed}`), () => {
    const db = usePgSchema();
    it(`keeps every promise while nodes are killed (seed ${seed})`, async () => {
      assertBuilt();
      await (await db.openStore()).close();
      const report = await runChaos({ seed, executions: 8, kills: 3, postgres: { url: db.url, schema: db.schema, nodes: seed % 2 === 0 ? 3 : 2 } });
      expect(report.problems, `seed ${seed}: ${report.problems.join('\n')}`).toEqual([]);
      expect(report.kills).toBeGreaterThan(0);
    }, 180_000);
  });
}
