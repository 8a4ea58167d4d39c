/**
 * A node that dies between recording a webhook delivery's fire and settling it (its process
 * killed while the execution starts) left the fire `starting` for good. The scheduler's pass
 * settles it: `started` when the execution exists, else `failed` (the sender saw no answer
 * and sends it again).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { openSchedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const deadFire = (scheduledAt: string, executionId: string | null): TriggerFireRecord => ({
  trigger_id: 'demo.deploy/push',
  scheduled_at: scheduledAt,
  reason: 'webhook',
  status: 'starting',
  execution_id: executionId,
  source_execution_id: null,
  node_id: 'dead-node',
  detail: 'delivery gh-1',
  created_at: '2025-12-31T23:59:00.000Z',
  updated_at: '2025-12-31T23:59:00.000Z',
});

describe('webhook fires a dead node left starting', () => {
  it('settles them on the next pass: started when the execution exists, failed when it never started', async () => {
    h = await openSchedulerHarness();
    const body = workflowBody([{ id: 'a', action: 'core.noop' }]);
    body.triggers = { push: { webhook: { secret_env: 'X', auth: 'signature', input: {} } } };
    await h.store.registry.addVersion({ kind: 'workflow', ref: 'demo.deploy', pack_ref: 'demo', content_hash: 'w1', body, source: '', file: 'workflows/deploy.yaml', origin: { source: 'local' } });
    const started = await h.engine.startExecution({ workflow_ref: 'demo.deploy', input: {}, id: '11111111-1111-5111-a111-111111111111' });
    await h.store.triggers.insertFire(deadFire('2025-12-31T23:59:00.000111111Z', started.id));
    await h.store.triggers.insertFire(deadFire('2025-12-31T23:59:00.000222222Z', '22222222-2222-5222-a222-222222222222'));
    const scheduler = h.scheduler();
    await scheduler.start();
    const fires = await h.store.triggers.listFires('demo.deploy/push', 10);
    expect(fires.map((f) => [f.scheduled_at, f.status, f.execution_id])).toEqual([
      ['2025-12-31T23:59:00.000222222Z', 'failed', null],
      ['2025-12-31T23:59:00.000111111Z', 'started', started.id],
    ]);
    expect(fires[0]?.detail).toBe("delivery gh-1: node 'dead-node' stopped before starting its execution; the sender's retry of the delivery starts it");
  });
});
