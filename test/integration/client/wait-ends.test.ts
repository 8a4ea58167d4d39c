/**
 * Issue 9 point 7: a wait ends when the execution is terminal, whatever comes after its
 * terminal event (a checkpoint of the finished run) and across a graceful server restart.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { createEngine } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { startServer } from '../../../src/server/start-server.js';
import { openHarness, type ClientHarness } from './client-harness.js';

let harness: ClientHarness;
let client: HarmoniaClient;

/** Requests wait while `held` is set; `requested` resolves when one arrives held. */
const gate = {
  held: null as Promise<void> | null,
  release: (): void => undefined,
  onHeld: (_url: string): void => undefined,
  hold(): void {
    this.held = new Promise<void>((resolve) => (this.release = () => {
      this.held = null;
      resolve();
    }));
  },
};

beforeAll(async () => {
  harness = await openHarness();
  client = createClient({
    baseUrl: harness.url,
    // the real fetch, held back while a test arranges what the server holds when the client comes back
    fetch: async (input, init) => {
      const held = gate.held;
      if (held) {
        gate.onHeld(input);
        await held;
      }
      return fetch(input, init);
    },
  });
});

afterAll(async () => {
  await harness.close();
});

async function startSlowExecution(name: string): Promise<string> {
  const workflow = await client.createWorkflow({ name, tasks: { wait: { action: 'core.sleep', input: { ms: 600_000 } } } });
  return (await client.executeWorkflow({ workflow_id: workflow.workflow_id })).execution_id;
}

/** Collects every event the iterator yields until it ends. */
async function collect(events: AsyncIterable<ExecutionEvent>, onEvent: (event: ExecutionEvent) => void = () => undefined): Promise<ExecutionEvent[]> {
  const seen: ExecutionEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    onEvent(event);
  }
  return seen;
}

describe('waiting for an execution', () => {
  it('events() ends at the terminal event of a finished run that has a checkpoint after it', async () => {
    const id = await startSlowExecution('wait_checkpoint_after');
    await client.cancelExecution(id);
    await client.waitForCompletion(id);
    await client.createCheckpoint(id);
    const all = (await client.listEvents(id)).events;
    expect(all.at(-1)?.event_type).toBe('checkpoint_created');
    const terminal = all.findLast((e) => e.event_type === 'workflow_canceled') as ExecutionEvent;

    const fromStart = await collect(client.events(id));
    expect(fromStart.map((e) => e.seq)).toEqual(all.filter((e) => e.seq <= terminal.seq).map((e) => e.seq));
    // resuming just before the terminal event: only it is left to see
    const fromBefore = await collect(client.events(id, { afterSeq: terminal.seq - 1 }));
    expect(fromBefore.map((e) => e.event_type)).toEqual(['workflow_canceled']);
    // resuming after it: nothing is left, and the iteration ends at once
    expect(await collect(client.events(id, { afterSeq: terminal.seq }))).toEqual([]);
  });

  it('a live wait ends although a checkpoint is appended right after the terminal event', async () => {
    const id = await startSlowExecution('wait_live_checkpoint');
    const statusAsked = new Promise<void>((resolve) => {
      gate.onHeld = (url) => {
        if (url.endsWith(`/api/v1/executions/${id}`)) resolve();
      };
    });
    const seen = collect(client.events(id), (event) => {
      if (event.event_type === 'task_started') void client.cancelExecution(id);
      // the client now asks whether the run is still finished: append a checkpoint first
      if (event.event_type === 'workflow_canceled') gate.hold();
    });
    await statusAsked;
    await harness.engine.createCheckpoint(id);
    gate.release();
    const events = await seen;
    expect(events.at(-1)?.event_type).toBe('workflow_canceled');
    const detail = await client.waitForCompletion(id);
    expect(detail.status).toBe('canceled');
  });

  it('a wait across a graceful server restart ends when the run finished while the server was away', async () => {
    const id = await startSlowExecution('wait_restart');
    const { port } = harness.server;
    let restarted: Awaited<ReturnType<typeof startServer>> | null = null;
    let started = false;
    const waiting = collect(client.events(id), (event) => {
      if (event.event_type === 'task_started') started = true;
    });
    const wait = client.waitForCompletion(id);
    try {
      // both streams are open and live: hold the client's next requests and restart the server
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (started && harness.streams.filter((s) => s.url.includes(id)).length >= 2) resolve();
          else setImmediate(check);
        };
        check();
      });
      gate.hold();
      await harness.server.close();
      const actions = createActionRegistry({ packs: () => null, components: harness.store.components, kill_grace_ms: 200 });
      const engine = createEngine({ store: harness.store, actions, config: { cancel_grace_ms: 500 } });
      const packs = createPackSyncService({ store: harness.store, packsDir: join(harness.dir, 'packs') });
      restarted = await startServer({ store: harness.store, engine, packs, host: '127.0.0.1', port, grace_ms: 1000, logger: pino({ level: 'silent' }) });
      // the stop may have ended the run already (its task was interrupted); else end it now
      if (!['completed', 'failed', 'canceled'].includes((await engine.getExecution(id)).status)) await engine.cancel(id);
      const final = await engine.waitForCompletion(id);
      await engine.createCheckpoint(id);
      gate.release();
      const events = await waiting;
      expect(events.at(-1)?.event_type).toBe(`workflow_${final.status}`);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect((await wait).status).toBe(final.status);
    } finally {
      gate.release();
      await restarted?.close();
    }
  });
});
