/**
 * A real `harmonia serve` on SQLite firing a one-second schedule, SIGKILLed at random moments
 * (a fire recorded and not yet started, an execution started and not yet recorded, ...) and
 * started again each time. Checked against the simplest model of the promise: every second
 * from the first fire to the last fired exactly once (each downtime is shorter than the
 * catch-up window), each fire settled `started`, one execution each, under its fire's id.
 * Seeded; HARMONIA_CHAOS_SEED replays one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { executionIdOf } from '../../../src/triggers/fire-runner.js';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';

const SEED = Number(process.env.HARMONIA_CHAOS_SEED ?? 20261206);
const TRIGGER = 'sched.tick/second';

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a one-second schedule on SQLite across SIGKILLs of its only node', () => {
  let root = '';
  let node: ServeProcess | null = null;

  beforeAll(() => {
    assertBuilt();
    root = mkdtempSync(join(tmpdir(), 'harmonia-sched-kill-'));
    mkdirSync(join(root, 'packs', 'sched', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'packs', 'sched', 'pack.yaml'), 'ref: sched\nversion: 1.0.0\n');
    writeFileSync(
      join(root, 'packs', 'sched', 'workflows', 'tick.yaml'),
      ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  second:', '    schedule: { every: 1s, overlap: allow_all, catchup_window: 1m }', ''].join('\n'),
    );
  });

  afterAll(async () => {
    await node?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const serve = () =>
    startServeProcess(['--port', '0'], {
      cwd: root,
      env: { HARMONIA_DATA_DIR: join(root, 'data'), HARMONIA_NODE_ID: 'only', HARMONIA_SHUTDOWN_GRACE: '500ms', HARMONIA_LOG_LEVEL: 'warn' },
    });

  it(`fires every second once, each with one execution, however it is killed (seed ${SEED})`, async () => {
    console.log(`sqlite-kill-restart seed ${SEED}`);
    const next = random(SEED);
    for (let round = 0; round < 4; round += 1) {
      node = await serve();
      // Killed anywhere from before its first pass to a few fires in.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 2500)));
      node.child.kill('SIGKILL');
      await node.stop();
      node = null;
    }
    node = await serve();
    const store = createSqliteStore({ file: join(root, 'data', 'harmonia.db') });
    try {
      const startedAt = Date.now();
      // The last process runs until it has fired a few seconds of its own and settled what the killed ones left.
      for (let i = 0; ; i += 1) {
        const fires = await store.triggers.listFires(TRIGGER, 1000);
        const own = fires.filter((f) => Date.parse(f.scheduled_at) > startedAt + 1000).length;
        if (own >= 2 && fires.every((f) => f.status !== 'starting')) break;
        if (i > 600) throw new Error(`gave up: ${JSON.stringify(fires.map((f) => [f.scheduled_at, f.status]))}`);
        // Another process writes the rows and announces nothing this test can await: poll.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await node.stop();
      node = null;
      const fires = (await store.triggers.listFires(TRIGGER, 1000)).reverse();
      const seconds = fires.map((f) => Date.parse(f.scheduled_at) / 1000);
      expect(seconds, `seed ${SEED}`).toEqual(Array.from({ length: seconds.length }, (_, i) => (seconds[0] ?? 0) + i));
      expect(fires.map((f) => f.status), `seed ${SEED}`).toEqual(fires.map(() => 'started'));
      expect(fires.map((f) => f.execution_id)).toEqual(fires.map((f) => executionIdOf(f.trigger_id, f.scheduled_at)));
      const executions = await store.executions.listExecutions({ workflow_ref: 'sched.tick', limit: 1000 });
      expect(executions.items.length, `seed ${SEED}`).toBe(fires.length);
    } finally {
      await store.close();
    }
  }, 120_000);
});
