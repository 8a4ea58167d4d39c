/** A one-second schedule under the real clock: it fires each second, once, awaited through on_fire (no sleeps). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { createEngine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createScheduler } from '../../../src/triggers/scheduler.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { actionsWith } from '../engine/helpers.js';
import { SCHEDULE } from './scheduler-harness.js';

describe('a one-second schedule in real time', () => {
  it('fires three times in three consecutive seconds, each starting an execution', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harmonia-realtime-'));
    const store = createSqliteStore({ file: join(dir, 'h.db') });
    const engine = createEngine({ store, actions: actionsWith({}) });
    await engine.start();
    const body = workflowBody([{ id: 'a' }]);
    body.triggers = { second: { schedule: { ...SCHEDULE, every_ms: 1000, overlap: 'allow_all' } } };
    await store.registry.addVersion({ kind: 'workflow', ref: 'demo.tick', pack_ref: 'demo', content_hash: 'x', body, source: '', file: 'workflows/tick.yaml', origin: { source: 'local' } });
    const fires: TriggerFireRecord[] = [];
    let third!: () => void;
    const thirdFire = new Promise<void>((resolve) => (third = resolve));
    const scheduler = createScheduler({
      store,
      engine,
      node_id: 'n',
      on_fire: (fire) => {
        fires.push(fire);
        if (fires.length === 3) third();
      },
    });
    try {
      await scheduler.start();
      await thirdFire;
      await scheduler.stop();
      const seconds = fires.map((f) => Date.parse(f.scheduled_at) / 1000);
      expect(seconds.every(Number.isInteger)).toBe(true);
      expect(seconds.slice(0, 3)).toEqual([seconds[0], (seconds[0] ?? 0) + 1, (seconds[0] ?? 0) + 2]);
      expect(fires.slice(0, 3).map((f) => [f.status, f.reason])).toEqual([
        ['started', 'schedule'],
        ['started', 'schedule'],
        ['started', 'schedule'],
      ]);
      for (const fire of fires) expect((await engine.waitForCompletion(fire.execution_id ?? '')).status).toBe('completed');
    } finally {
      await scheduler.stop();
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
