import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTree } from '../cli/cli-harness.js';
import { openAssistantServer, type AssistantServer } from './assistant-server.js';
import { startChatServer, type ChatServer } from './chat-server.js';
import { runHarmonia } from './cli-output.js';

const KEY = 'sk-mask-SECRET-9f3a';

const FILES = {
  'shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n',
  'shop/workflows/ask.yaml': 'version: 1.0.0\ntasks:\n  ask:\n    action: core.llm\n    input: { prompt: "hello" }\noutput:\n  said: "${tasks.ask.output.text}"\n',
};

let chat: ChatServer;
let h: AssistantServer;
let dir: string;
beforeAll(async () => {
  chat = await startChatServer();
  h = await openAssistantServer(FILES, { base_url: chat.base_url, model: 'm', api_key: KEY, max_retries: 0 });
  dir = mkdtempSync(join(tmpdir(), 'harmonia-mask-'));
});
afterAll(async () => {
  await h.close();
  await chat.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(): Promise<string> {
  const started = await h.engine.startExecution({ workflow_ref: 'shop.ask', input: {} });
  await h.engine.waitForCompletion(started.id);
  return started.id;
}

async function everything(id: string): Promise<string> {
  const stored = JSON.stringify(await h.store.executions.readEvents(id));
  const rest = await Promise.all(
    [`/api/v1/executions/${id}`, `/api/v1/executions/${id}/events`, `/api/v1/executions/${id}/summary`].map(async (path) => (await h.call('GET', path)).text),
  );
  return [stored, ...rest].join('\n');
}

describe('the API key', () => {
  it('is sent to the model server as a bearer token', async () => {
    chat.script({ content: 'hi' });
    await run();
    expect(chat.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('never reaches events, outputs or REST responses when the model echoes it back', async () => {
    chat.script({ content: `I was called with ${KEY}` });
    const id = await run();
    const seen = await everything(id);
    expect(seen).not.toContain(KEY);
    expect(seen).toContain('I was called with **REDACTED**');
  });

  it('never reaches a task error, its events or the logs when the server quotes it in a refusal', async () => {
    chat.script({ status: 401, body: `{"error":"invalid api key ${KEY}"}` });
    const id = await run();
    const events = await h.store.executions.readEvents(id);
    const failed = events.find((e) => e.event_type === 'task_failed');
    expect(failed?.data.error).toMatchObject({ type: 'LLM_REQUEST_REJECTED', retriable: false });
    expect(String((failed?.data.error as { message: string }).message)).toContain('invalid api key **REDACTED**');
    expect(await everything(id)).not.toContain(KEY);
    expect(h.log.join('\n')).not.toContain(KEY);
  });

  it('never reaches an assistant error response or an explanation', async () => {
    chat.script({ status: 500, body: `upstream rejected ${KEY}` });
    const draft = await h.call('POST', '/api/v1/assistant/draft', { description: 'x', pack: 'shop' });
    expect(draft.status).toBe(502);
    expect(draft.text).not.toContain(KEY);
    expect(draft.text).toContain('upstream rejected **REDACTED**');
    expect(h.log.some((line) => line.includes('"url":"/api/v1/assistant/draft"') && line.includes('"status":502'))).toBe(true);
    chat.script({ status: 401, body: KEY }, { content: `explained, ${KEY}` });
    const id = await run();
    const explained = await h.call('POST', `/api/v1/executions/${id}/explain`);
    expect(explained.status).toBe(200);
    expect(explained.text).not.toContain(KEY);
    expect(h.log.join('\n')).not.toContain(KEY);
  });

  it('is masked by harmonia config and read from HARMONIA_LLM_API_KEY_FILE without being printed', async () => {
    const shown = await runHarmonia(['config', '--json'], dir, { HARMONIA_LLM_BASE_URL: chat.base_url, HARMONIA_LLM_API_KEY: KEY });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain(KEY);
    expect(JSON.parse(shown.stdout)).toMatchObject({ llm_api_key: '********', llm_base_url: chat.base_url });
    const table = await runHarmonia(['config'], dir, { HARMONIA_LLM_API_KEY: KEY });
    expect(table.stdout).toContain('HARMONIA_LLM_API_KEY');
    expect(table.stdout).not.toContain(KEY);

    writeFileSync(join(dir, 'llm.key'), `${KEY}\n`);
    writeTree(dir, { 'packs/shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n' });
    chat.script({ status: 403, body: `forbidden for ${KEY}` });
    const failed = await runHarmonia(['draft', 'anything', '--pack', 'shop'], dir, {
      HARMONIA_LLM_BASE_URL: chat.base_url,
      HARMONIA_LLM_MODEL: 'm',
      HARMONIA_LLM_API_KEY_FILE: 'llm.key',
    });
    expect(chat.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('forbidden for **REDACTED**');
    expect(failed.stdout + failed.stderr).not.toContain(KEY);
  });

  it('refuses a key file that cannot be read, naming the file and never a key', async () => {
    const run = await runHarmonia(['draft', 'x', '--pack', 'shop'], dir, { HARMONIA_LLM_BASE_URL: chat.base_url, HARMONIA_LLM_API_KEY_FILE: 'missing.key' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("harmonia: HARMONIA_LLM_API_KEY_FILE 'missing.key' cannot be read: ENOENT\n");
    const both = await runHarmonia(['config'], dir, { HARMONIA_LLM_API_KEY: KEY, HARMONIA_LLM_API_KEY_FILE: 'llm.key' });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('harmonia: set HARMONIA_LLM_API_KEY or HARMONIA_LLM_API_KEY_FILE, not both\n');
  });
});
