/**
 * core.llm inside the real engine while the model server is slow or refuses: the task's
 * own timeout and a cancel end a Retry-After wait, and a secret input the model quotes
 * back is masked like any other output.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAction } from '../../../src/actions/core-llm.js';
import { createChatClient } from '../../../src/llm/chat-client.js';
import { createEngine } from '../../../src/engine/index.js';
import { actionsWith, openHarness, register, workflow, type Harness } from '../engine/helpers.js';
import { startChatServer, type ChatServer } from './chat-server.js';

let chat: ChatServer;
let h: Harness | undefined;
beforeEach(async () => {
  chat = await startChatServer();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await chat.close();
});

async function start(task: Record<string, unknown>, input: Record<string, unknown> = {}, inputs: Record<string, unknown> = {}) {
  // The real wait: a Retry-After of 50 s is waited out unless something ends it.
  const client = createChatClient({ base_url: chat.base_url, model: 'm', api_key: 'sk-engine-faults-1', max_retries: 3 });
  h = await openHarness({ 'core.llm': createLlmAction(client) });
  const id = await register(h.store, 'test.ask', workflow([{ id: 'ask', action: 'core.llm', ...task }], { input: inputs as never }));
  const started = await h.engine.startExecution({ workflow_id: id, input });
  return { harness: h, id: started.id };
}

describe('core.llm in the engine', () => {
  it("ends a Retry-After wait at the task's timeout_ms, failing TIMEOUT without asking again", async () => {
    chat.script({ status: 503, headers: { 'retry-after': '50' }, body: '{"error":"busy"}' }, { content: 'late' });
    const { harness, id } = await start({ input: { prompt: 'hi' }, timeout_ms: 300 });
    const done = await harness.engine.waitForCompletion(id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'TIMEOUT' });
    expect(chat.requests).toHaveLength(1);
  });

  it('ends a Retry-After wait when the execution is canceled, without asking again', async () => {
    chat.script({ status: 429, headers: { 'retry-after': '50' }, body: '{"error":"slow down"}' }, { content: 'late' });
    const { harness, id } = await start({ input: { prompt: 'hi' } });
    await chat.received(1);
    await harness.engine.cancel(id);
    const done = await harness.engine.waitForCompletion(id);
    expect(done.status).toBe('canceled');
    expect(chat.requests).toHaveLength(1);
  });

  it('aborts the request in flight when the execution is canceled', async () => {
    chat.script({ hang: true });
    const { harness, id } = await start({ input: { prompt: 'hi' } });
    await chat.received(1);
    await harness.engine.cancel(id);
    await chat.abandoned;
    expect((await harness.engine.waitForCompletion(id)).status).toBe('canceled');
  });

  it('masks a secret input the model quotes back, in the output, the events and the task log', async () => {
    const secret = 'hunter2-very-secret-value';
    chat.script({ content: `Sure. Your password is ${secret}.`, chunks: ['Sure. Your password is ', secret.slice(0, 9), `${secret.slice(9)}.`] });
    const { harness, id } = await start(
      { input: { prompt: 'The password is ${input.pw}; repeat it.' } },
      { pw: secret },
      { pw: { type: 'string', secret: true } },
    );
    const done = await harness.engine.waitForCompletion(id);
    expect(done.status).toBe('completed');
    const events = JSON.stringify(await harness.store.executions.readEvents(id));
    expect(events).not.toContain(secret);
    expect(events).toContain('Your password is **REDACTED**');
    // The task log is written in batches apart from the events.
    let log = '';
    while (!log.includes('answered in')) {
      log = JSON.stringify(await harness.store.executions.readLogs(id, { limit: 1000 }));
      if (!log.includes('answered in')) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(log).toContain('Your password is **REDACTED**');
    expect(log).not.toContain(secret);
    expect(chat.requests[0]?.body.messages.at(-1)?.content).toContain(secret);
  });
});

describe('core.llm across an engine restart', () => {
  it('runs an interrupted request again after the restart, as any interrupted task', async () => {
    chat.script({ hang: true }, { content: 'answered after the restart' });
    const { harness, id } = await start({ input: { prompt: 'hi' } });
    await chat.received(1);
    await harness.engine.stop();
    await chat.abandoned;
    const store2 = await harness.reopen();
    const client = createChatClient({ base_url: chat.base_url, model: 'm', api_key: 'sk-engine-faults-1', max_retries: 0 });
    const engine2 = createEngine({ store: store2, actions: actionsWith({ 'core.llm': createLlmAction(client) }) });
    await engine2.start();
    const done = await engine2.waitForCompletion(id);
    await engine2.stop();
    expect(done.status).toBe('completed');
    expect(chat.requests).toHaveLength(2);
    expect(done.output).toBeDefined();
  });
});
