import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionDetail, ExecutionView, Paginated } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('100 concurrent executions', () => {
  it('starts, runs and reports every one of them', async () => {
    const started = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.hello', input: { who: `n${i}` } } }),
      ),
    );
    expect(started.map((r) => r.status)).toEqual(started.map(() => 201));
    const ids = started.map((r) => r.body.execution_id);
    expect(new Set(ids).size).toBe(100);

    const finished = await Promise.all(ids.map((id) => h.engine.waitForCompletion(id)));
    expect(finished.every((e) => e.status === 'completed')).toBe(true);

    const details = await Promise.all(ids.map((id) => h.call<ExecutionDetail>('GET', `/api/executions/${id}`)));
    expect(details.map((d) => d.body.output)).toEqual(ids.map((_, i) => ({ message: `hello n${i}` })));

    const listed = await h.call<Paginated<ExecutionView>>('GET', '/api/executions?status=completed&limit=1');
    expect(listed.body.total).toBe(100);
  });
});
