/**
 * HarmoniaClient.allEvents(): every execution's events, resumed by itself after the
 * connection drops, with no gap and no repeat (issue 9 points 8 and 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { openHarness, type ClientHarness } from './client-harness.js';

let harness: ClientHarness;
let client: HarmoniaClient;

beforeAll(async () => {
  harness = await openHarness();
  client = createClient({ baseUrl: harness.url });
});

afterAll(async () => {
  await harness.close();
});

describe('HarmoniaClient.allEvents()', () => {
  it('resumes after every dropped connection from the last position it yielded', async () => {
    const workflow = await client.createWorkflow({ name: 'all_events', tasks: { wait: { action: 'core.sleep', input: { ms: 600_000 } } } });
    const controller = new AbortController();
    const iterator = client.allEvents({ afterPosition: 0, signal: controller.signal })[Symbol.asyncIterator]();
    const seen: ExecutionEvent[] = [];
    const readUntil = async (match: (e: ExecutionEvent) => boolean): Promise<void> => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new Error('the stream ended');
        seen.push(next.value);
        if (match(next.value)) return;
      }
    };
    const first = await client.executeWorkflow({ workflow_id: workflow.workflow_id });
    await readUntil((e) => e.execution_id === first.execution_id && e.event_type === 'task_started');
    const requests = harness.streams.length;
    // cut the connection, and make events while the client is away
    harness.dropStreams();
    await client.cancelExecution(first.execution_id);
    await client.waitForCompletion(first.execution_id);
    const second = await client.executeWorkflow({ workflow_id: workflow.workflow_id });
    await client.cancelExecution(second.execution_id);
    await client.waitForCompletion(second.execution_id);
    await readUntil((e) => e.execution_id === second.execution_id && e.event_type === 'workflow_canceled');
    controller.abort();

    const resumed = harness.streams.slice(requests).find((s) => s.url.startsWith('/events') && !s.url.startsWith('/events/'));
    expect(resumed?.lastEventId).toBeDefined();
    const positions = seen.map((e) => e.position as number);
    const stored = await harness.store.executions.readEventsAfterPosition(0, 10_000);
    expect(positions).toEqual(stored.map((e) => e.position).filter((p) => (p as number) <= (positions.at(-1) as number)));
  });
});
