import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAction } from '../../../src/actions/core-llm.js';
import type { ActionContext } from '../../../src/actions/action.js';
import { createChatClient, type ChatClientOptions } from '../../../src/llm/chat-client.js';
import { openHarness, register, workflow, type Harness } from '../engine/helpers.js';
import { startChatServer, type ChatServer } from './chat-server.js';

let chat: ChatServer;
let h: Harness | undefined;
const waits: number[] = [];

beforeEach(async () => {
  chat = await startChatServer();
  waits.length = 0;
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await chat.close();
});

function client(extra: Partial<ChatClientOptions> = {}) {
  return createChatClient({
    base_url: chat.base_url,
    model: 'test-model',
    api_key: 'sk-test-secret-123',
    wait: async (ms) => void waits.push(ms),
    ...extra,
  });
}

async function run(tasks: Parameters<typeof workflow>[0], input: Record<string, unknown> = {}, extra: Partial<ChatClientOptions> = {}) {
  h = await openHarness({ 'core.llm': createLlmAction(client(extra)) });
  const id = await register(h.store, 'test.ask', workflow(tasks, { input: { topic: { type: 'string' } } }));
  const started = await h.engine.startExecution({ workflow_id: id, input });
  const done = await h.engine.waitForCompletion(started.id);
  return { done, id: started.id, harness: h };
}

async function outputOf(harness: Harness, id: string, taskId: string): Promise<Record<string, unknown> | undefined> {
  const events = await harness.store.executions.readEvents(id);
  const done = events.find((e) => e.event_type === 'task_completed' && e.task_id === taskId);
  return done?.event_type === 'task_completed' ? (done.data.output as Record<string, unknown>) : undefined;
}

const schema = {
  type: 'object',
  required: ['title', 'tags'],
  properties: { title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  additionalProperties: false,
};

describe('core.llm', () => {
  it('sends the prompt with its expressions evaluated over input and task outputs, and returns text, model and usage', async () => {
    chat.script({ content: 'Tides follow the moon.' });
    const { done, harness, id } = await run(
      [
        { id: 'prev', action: 'core.echo', input: { audience: 'children' } },
        {
          id: 'ask',
          action: 'core.llm',
          depends_on: ['prev'],
          input: { system: 'You are terse.', prompt: 'Explain ${input.topic} to ${tasks.prev.output.audience}.', temperature: 0.2, max_tokens: 50 },
        },
      ],
      { topic: 'tides' },
    );
    expect(done.status).toBe('completed');
    expect(chat.requests[0]?.body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Explain tides to children.' },
      ],
      temperature: 0.2,
      max_tokens: 50,
      // core.llm asks to stream, so the reply reaches the task log as it comes; this server answers whole.
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chat.requests[0]?.headers.authorization).toBe('Bearer sk-test-secret-123');
    expect(await outputOf(harness, id, 'ask')).toEqual({
      text: 'Tides follow the moon.',
      model: 'test-model',
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      finish_reason: 'stop',
      requests: 1,
      schema_attempts: 1,
    });
  });

  it('asks again with the validation error when a reply fails response_schema, then returns the parsed object', async () => {
    chat.script({ content: '{"title": 7}' }, { content: '```json\n{"title": "Moon", "tags": ["sky"]}\n```' });
    const { done, harness, id } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'Tag this.', response_schema: schema } }]);
    expect(done.status).toBe('completed');
    expect(chat.requests).toHaveLength(2);
    const second = chat.requests[1]?.body.messages ?? [];
    expect(second[0]?.role).toBe('system');
    expect(second[0]?.content).toContain('"required":["title","tags"]');
    expect(second.slice(1)).toEqual([
      { role: 'user', content: 'Tag this.' },
      { role: 'assistant', content: '{"title": 7}' },
      {
        role: 'user',
        content: "That reply does not match the JSON Schema: the value must have required property 'tags'; /title must be string. Reply again with only the corrected JSON.",
      },
    ]);
    const output = (await outputOf(harness, id, 'ask')) ?? {};
    expect(output.data).toEqual({ title: 'Moon', tags: ['sky'] });
    expect(output.usage).toEqual({ prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 });
    expect(output.schema_attempts).toBe(2);
    const metrics = await harness.engine.getMetrics(id);
    expect(metrics.llm).toEqual({ tasks: 1, failed_attempts: 0, requests: 2, prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, models: ['test-model'] });
    // The task log shows the conversation: each reply, what it cost, and why it was asked again.
    const log = (await harness.engine.readLogs(id, { task_id: 'ask', limit: 100 })).map((l) => `${l.stream}: ${l.line}`);
    expect(log).toContain('stdout: {"title": 7}');
    expect(log).toContain("system: the reply does not match response_schema: the value must have required property 'tags'; /title must be string");
    expect(log.filter((l) => l.startsWith('system: test-model answered'))).toHaveLength(2);
    expect(log).toContain('stdout: {"title": "Moon", "tags": ["sky"]}');
  });

  it('streams the reply into the task log line by line as it arrives, then returns the whole text and usage', async () => {
    chat.script({ chunks: ['Hel', 'lo\nwor', 'ld\n', 'bye'], usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } });
    const { done, harness, id } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'Say hi.' } }]);
    expect(done.status).toBe('completed');
    expect(chat.requests[0]?.body.stream).toBe(true);
    const output = (await outputOf(harness, id, 'ask')) ?? {};
    expect(output.text).toBe('Hello\nworld\nbye');
    expect(output.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
    const log = await harness.engine.readLogs(id, { task_id: 'ask', stream: 'stdout', limit: 100 });
    expect(log.map((l) => l.line)).toEqual(['Hello', 'world', 'bye']);
  });

  it('counts every item of a fan-out in the execution metrics', async () => {
    chat.script({ content: 'one', usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }, { content: 'two', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
    const { done, harness, id } = await run([
      { id: 'list', action: 'core.echo', input: { items: ['a', 'b'] } },
      { id: 'ask', action: 'core.llm', depends_on: ['list'], with_items: '${tasks.list.output.items}', concurrency: 1, input: { prompt: 'say ${item}' } },
    ]);
    expect(done.status).toBe('completed');
    expect(chat.requests.map((r) => r.body.messages[0]?.content)).toEqual(['say a', 'say b']);
    expect((await harness.engine.getMetrics(id)).llm).toEqual({ tasks: 2, failed_attempts: 0, requests: 2, prompt_tokens: 8, completion_tokens: 3, total_tokens: 11, models: ['test-model'] });
  });

  it('fails with LLM_SCHEMA_MISMATCH once max_schema_attempts replies have not matched', async () => {
    chat.script({ content: 'no JSON here' }, { content: '[1]' });
    const { done } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'Tag this.', response_schema: schema, max_schema_attempts: 2 } }]);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      type: 'LLM_SCHEMA_MISMATCH',
      message: "the model's reply did not match 'response_schema' after 2 tries: the value must be object",
    });
    expect(chat.requests).toHaveLength(2);
  });

  it('waits out a 429 for as long as Retry-After says, then succeeds', async () => {
    chat.script({ status: 429, headers: { 'retry-after': '7' }, body: '{"error":{"message":"slow down"}}' }, { content: 'done' });
    const { done, harness, id } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'hi' } }]);
    expect(done.status).toBe('completed');
    expect(waits).toEqual([7000]);
    expect(chat.requests).toHaveLength(2);
    expect(await outputOf(harness, id, 'ask')).toMatchObject({ text: 'done', requests: 2 });
  });

  it('fails retriable with LLM_RATE_LIMITED when 429s outlast max_retries, so the retry policy runs the task again', async () => {
    chat.script(
      { status: 429, headers: { 'retry-after': '1' }, body: 'busy' },
      { status: 429, headers: { 'retry-after': '1' }, body: 'busy' },
      { content: 'finally' },
    );
    const { done, harness, id } = await run(
      [{ id: 'ask', action: 'core.llm', input: { prompt: 'hi' }, retry: { max_attempts: 2, initial_delay_ms: 1, backoff_factor: 1, max_delay_ms: 1, jitter: 0 } }],
      {},
      { max_retries: 1 },
    );
    expect(done.status).toBe('completed');
    const events = await harness.store.executions.readEvents(id);
    const retry = events.find((e) => e.event_type === 'retry_attempted');
    expect(retry?.data.error).toMatchObject({ type: 'LLM_RATE_LIMITED', retriable: true });
    expect(String((retry?.data.error as { message: string }).message)).toContain('answered 429: busy (retry after 1 s)');
  });

  it('does not retry a 4xx: LLM_REQUEST_REJECTED is not retriable', async () => {
    chat.script({ status: 400, body: '{"error":{"message":"unknown model"}}' });
    const { done } = await run([
      { id: 'ask', action: 'core.llm', input: { prompt: 'hi', model: 'nope' }, retry: { max_attempts: 3, initial_delay_ms: 1, backoff_factor: 1, max_delay_ms: 1, jitter: 0 } },
    ]);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'LLM_REQUEST_REJECTED' });
    expect(chat.requests).toHaveLength(1);
    expect(chat.requests[0]?.body.model).toBe('nope');
  });

  it('sends a key the base URL carries as a query parameter after the path, and keeps it out of the error', async () => {
    chat.script({ status: 400, body: '{"error":{"message":"unknown model"}}' });
    const { done, harness, id } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'hi' } }], {}, { base_url: `${chat.base_url}?key=AIza-s3cr3t-key` });
    expect(chat.requests[0]?.path).toBe('/v1/chat/completions?key=AIza-s3cr3t-key');
    expect(done.error).toMatchObject({ type: 'LLM_REQUEST_REJECTED' });
    expect(done.error?.message).toContain('?key=**REDACTED**');
    expect(JSON.stringify(await harness.store.executions.readEvents(id))).not.toContain('AIza-s3cr3t-key');
  });

  it('fails with TIMEOUT when the model server does not answer within the request deadline', async () => {
    chat.script({ hang: true });
    const { done } = await run([{ id: 'ask', action: 'core.llm', input: { prompt: 'hi' } }], {}, { timeout_ms: 50 });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ type: 'TIMEOUT' });
    await chat.abandoned;
  });

  it('aborts the request when the task is canceled', async () => {
    chat.script({ hang: true });
    const controller = new AbortController();
    const ctx: ActionContext = {
      execution_id: 'e',
      task_id: 't',
      attempt: 1,
      idempotency_key: 'e:t',
      signal: controller.signal,
      timeout_ms: 60_000,
      max_output_bytes: 1_000_000,
    };
    const running = createLlmAction(client()).run({ prompt: 'hi' }, ctx);
    await chat.received(1);
    controller.abort('cancel');
    expect(await running).toMatchObject({ status: 'error', error_type: 'CANCELED', is_retriable: false });
    await chat.abandoned;
  });

  it('fails with LLM_NOT_CONFIGURED when no model server is set', async () => {
    h = await openHarness({ 'core.llm': createLlmAction(null) });
    const id = await register(h.store, 'test.ask', workflow([{ id: 'ask', action: 'core.llm', input: { prompt: 'hi' } }]));
    const done = await h.engine.waitForCompletion((await h.engine.startExecution({ workflow_id: id, input: {} })).id);
    expect(done.error).toMatchObject({ type: 'LLM_NOT_CONFIGURED' });
  });
});
