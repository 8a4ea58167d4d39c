/**
 * Tokens a model server billed for an attempt that then failed (a reply failing
 * response_schema, a reply the content filter withheld, a stream cut after its usage)
 * count in the execution's usage, as the provider counts them: a real engine over a real
 * SQLite file, the stand-in model server, and the CLI reading the same store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine, type Engine, type EngineOptions } from '../../../src/engine/index.js';
import { createChatClient } from '../../../src/llm/chat-client.js';
import type { Store } from '../../../src/store/store.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { register, workflow } from '../engine/helpers.js';
import { startChatServer, type ChatServer } from './chat-server.js';
import { runHarmonia } from './cli-output.js';

let chat: ChatServer;
let dir: string;
let store: Store;
let engine: Engine | undefined;

async function open(config: EngineOptions['config'] = {}): Promise<Engine> {
  store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const llm = createChatClient({ base_url: chat.base_url, model: 'test-model', max_retries: 0 });
  engine = createEngine({ store, actions: createActionRegistry({ packs: () => null, llm }), config });
  await engine.start();
  return engine;
}

beforeEach(async () => {
  chat = await startChatServer();
  dir = mkdtempSync(join(tmpdir(), 'harmonia-llm-usage-'));
});
afterEach(async () => {
  engine = undefined;
  await chat.close();
  rmSync(dir, { recursive: true, force: true });
});

const retry = { max_attempts: 2, initial_delay_ms: 1, backoff_factor: 1, max_delay_ms: 1, jitter: 0 };
const schema = { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } };
const usage = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens });

async function runAsk(input: Record<string, unknown>, task: Record<string, unknown> = { retry }): Promise<{ id: string; status: string }> {
  const running = engine ?? (await open());
  const id = await register(store, 'test.ask', workflow([{ id: 'ask', action: 'core.llm', input, ...task }]));
  const started = await running.startExecution({ workflow_id: id, input: {} });
  const done = await running.waitForCompletion(started.id);
  return { id: started.id, status: done.status };
}

async function stop(): Promise<void> {
  await engine?.stop();
  await store.close();
}

describe('usage of failed core.llm attempts', () => {
  it('counts the requests of an attempt whose replies never matched response_schema, then the retry that did', async () => {
    chat.script({ content: 'no', usage: usage(10, 2) }, { content: 'still no', usage: usage(20, 3) }, { content: '{"ok": true}', usage: usage(30, 4) });
    const { id, status } = await runAsk({ prompt: 'ok?', response_schema: schema, max_schema_attempts: 2 });
    expect(status).toBe('completed');
    expect((await engine!.getMetrics(id)).llm).toEqual({
      tasks: 1,
      failed_attempts: 1,
      requests: 3,
      prompt_tokens: 60,
      completion_tokens: 9,
      total_tokens: 69,
      models: ['test-model'],
    });
    // The failed attempt's event says what it cost.
    const retried = (await store.executions.readEvents(id)).find((e) => e.event_type === 'retry_attempted');
    expect(retried?.data.error).toMatchObject({
      type: 'LLM_SCHEMA_MISMATCH',
      usage: { model: 'test-model', requests: 2, prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
    });
    await stop();
  });

  it('counts a reply the content filter withheld, though the task failed', async () => {
    chat.script({ content: '', finish_reason: 'content_filter', usage: usage(7, 1) });
    const { id, status } = await runAsk({ prompt: 'something filtered' });
    expect(status).toBe('failed');
    expect((await engine!.getMetrics(id)).llm).toEqual({
      tasks: 0,
      failed_attempts: 1,
      requests: 1,
      prompt_tokens: 7,
      completion_tokens: 1,
      total_tokens: 8,
      models: ['test-model'],
    });
    await stop();
  });

  it('counts a stream cut short after it reported its usage, and shows the totals in `harmonia execution metrics`', async () => {
    chat.script({ chunks: ['{"ok":'], usage: usage(11, 6), cut: true }, { chunks: ['{"ok": true}'], usage: usage(11, 5) });
    const { id, status } = await runAsk({ prompt: 'ok?' });
    expect(status).toBe('completed');
    const events = await store.executions.readEvents(id);
    expect(events.find((e) => e.event_type === 'retry_attempted')?.data.error).toMatchObject({
      type: 'LLM_BAD_REPLY',
      usage: { model: 'test-model', requests: 1, prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 },
    });
    expect((await engine!.getMetrics(id)).llm).toMatchObject({ tasks: 1, failed_attempts: 1, requests: 2, total_tokens: 33 });
    await stop();
    const cli = await runHarmonia(['execution', 'metrics', id], dir, { HARMONIA_DATA_DIR: join(dir, 'data') });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('llm          1 task, 1 failed attempt, 2 requests: 22 prompt + 11 completion = 33 tokens (test-model)\n');
  });

  it('counts what an attempt the task timeout stopped had spent before it was stopped', async () => {
    // the first reply fails the schema; the re-ask never answers, and the task's deadline stops it
    chat.script({ content: 'no', usage: usage(10, 2) }, { hang: true });
    const { id, status } = await runAsk({ prompt: 'ok?', response_schema: schema, max_schema_attempts: 2 }, { timeout_ms: 300 });
    expect(status).toBe('failed');
    const failed = (await store.executions.readEvents(id)).find((e) => e.event_type === 'task_failed');
    expect(failed?.data.error).toMatchObject({ type: 'TIMEOUT', usage: { model: 'test-model', prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } });
    expect((await engine!.getMetrics(id)).llm).toMatchObject({ tasks: 0, failed_attempts: 1, prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 });
    await stop();
  });

  it('counts a reply refused as TASK_OUTPUT_TOO_LARGE', async () => {
    await open({ limits: { max_task_output_bytes: 200 } });
    chat.script({ content: 'x'.repeat(500), usage: usage(5, 50) });
    const { id, status } = await runAsk({ prompt: 'a long one' }, {});
    expect(status).toBe('failed');
    const failed = (await store.executions.readEvents(id)).find((e) => e.event_type === 'task_failed');
    expect(failed?.data.error).toMatchObject({
      type: 'TASK_OUTPUT_TOO_LARGE',
      usage: { model: 'test-model', requests: 1, prompt_tokens: 5, completion_tokens: 50, total_tokens: 55 },
    });
    expect((await engine!.getMetrics(id)).llm).toEqual({
      tasks: 0,
      failed_attempts: 1,
      requests: 1,
      prompt_tokens: 5,
      completion_tokens: 50,
      total_tokens: 55,
      models: ['test-model'],
    });
    await stop();
  });
});
