import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '../cli/cli-harness.js';
import { runHarmonia } from './cli-output.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/client.js';
import { openAssistantServer, type AssistantServer } from './assistant-server.js';
import { startChatServer, type ChatServer } from './chat-server.js';

const FILES = {
  'shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n',
  'shop/workflows/broken.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  prep:',
    '    action: core.echo',
    '    input: { customer_email: alice@example.com }',
    '  charge:',
    '    action: core.fail',
    '    depends_on: [prep]',
    '    input: { error_type: CARD_DECLINED, error_message: "the card was declined", is_retriable: false }',
    '',
  ].join('\n'),
};

const invalid = '```yaml\nversion: 1.0.0\ntasks:\n  a:\n    action: core.sleep\n```';
const valid = '```yaml\nversion: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n    input: { ms: 10 }\n```';

let chat: ChatServer;
let h: AssistantServer;
let off: AssistantServer;
beforeAll(async () => {
  chat = await startChatServer();
  h = await openAssistantServer(FILES, { base_url: chat.base_url, model: 'helper', api_key: 'sk-rest-key' });
  off = await openAssistantServer(FILES, null);
});
afterAll(async () => {
  await h.close();
  await off.close();
  await chat.close();
});

describe('the assistant over REST', () => {
  it('says whether a model is configured, for the console to show its chat panel', async () => {
    expect((await h.call('GET', '/api/v1/assistant')).body).toEqual({ configured: true, model: 'helper' });
    expect((await off.call('GET', '/api/v1/assistant')).body).toEqual({ configured: false, model: null });
  });

  it('drafts a workflow, feeding diagnostics back, and returns it without writing it', async () => {
    chat.script({ content: invalid }, { content: valid });
    const before = chat.requests.length;
    const res = await h.call('POST', '/api/v1/assistant/draft', { description: 'wait a bit', pack: 'shop' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      valid: true,
      pack: 'shop',
      name: 'wait_a_bit',
      ref: 'shop.wait_a_bit',
      file: 'workflows/wait_a_bit.yaml',
      yaml: 'version: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n    input: { ms: 10 }\n',
      model: 'helper',
      usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
    });
    expect(res.body.attempts).toEqual([
      { attempt: 1, valid: false, errors: 1, warnings: 0, codes: ['TASK_INPUT_MISSING_PARAMETER'] },
      { attempt: 2, valid: true, errors: 0, warnings: 0, codes: [] },
    ]);
    expect(chat.requests[before + 1]?.body.messages.at(-1)?.content).toContain("task 'a' does not pass 'ms' or 'duration' or 'until', which core.sleep needs");
    expect(existsSync(join(h.dir, 'packs/shop/workflows/wait_a_bit.yaml'))).toBe(false);
  });

  it('answers 404 for a pack the server has no folder of, and 400 for a bad request, before asking the model', async () => {
    const before = chat.requests.length;
    const missing = await h.call('POST', '/api/v1/assistant/draft', { description: 'x', pack: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'PACK_NOT_FOUND' } });
    const bad = await h.call('POST', '/api/v1/assistant/draft', { description: 'x', pack: '../shop' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    expect(chat.requests.length).toBe(before);
  });

  it('explains a failed execution from its errors and history, never sending task inputs', async () => {
    const started = await h.engine.startExecution({ workflow_ref: 'shop.broken', input: {} });
    await h.engine.waitForCompletion(started.id);
    chat.script({ content: 'Task charge failed with CARD_DECLINED: the card was declined.' });
    const before = chat.requests.length;
    const res = await h.call('POST', `/api/v1/executions/${started.id}/explain`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      execution_id: started.id,
      status: 'failed',
      explanation: 'Task charge failed with CARD_DECLINED: the card was declined.',
      model: 'helper',
    });
    const sent = JSON.stringify(chat.requests[before]?.body.messages);
    expect(sent).toContain('CARD_DECLINED: the card was declined');
    expect(sent).toContain('shop.broken');
    expect(sent).not.toContain('alice@example.com');
    expect((res.body.facts as { tasks: unknown[] }).tasks).toContainEqual({
      task_id: 'charge',
      status: 'failed',
      attempts: 1,
      error: { type: 'CARD_DECLINED', message: 'the card was declined', retriable: false, attempt: 1 },
    });
  });

  it('answers 404 for an unknown execution and 503 LLM_NOT_CONFIGURED without a model', async () => {
    expect((await h.call('POST', '/api/v1/executions/no-such-id/explain')).status).toBe(404);
    const draft = await off.call('POST', '/api/v1/assistant/draft', { description: 'x', pack: 'shop' });
    expect(draft.status).toBe(503);
    expect(draft.body).toMatchObject({ error: { code: 'LLM_NOT_CONFIGURED' } });
    expect((await off.call('POST', '/api/v1/executions/x/explain')).status).toBe(404);
    const started = await off.engine.startExecution({ workflow_ref: 'shop.broken', input: {} });
    await off.engine.waitForCompletion(started.id);
    expect((await off.call('POST', `/api/v1/executions/${started.id}/explain`)).body).toMatchObject({ error: { code: 'LLM_NOT_CONFIGURED' } });
  });

  it('answers 502 LLM_FAILED when the model server fails, naming the error type', async () => {
    chat.script({ status: 400, body: '{"error":"model not found"}' });
    const res = await h.call('POST', '/api/v1/assistant/draft', { description: 'x', pack: 'shop', model: 'missing' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: { code: 'LLM_FAILED', details: { error_type: 'LLM_REQUEST_REJECTED', retriable: false, status: 400 } } });
  });

  it('publishes the routes in the OpenAPI document and serves them through the client SDK', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/assistant/draft'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/executions/{id}/explain'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/assistant'] ?? {})).toEqual(['get']);
    const client = createClient({ baseUrl: h.url, timeoutMs: 0 });
    expect(await client.getAssistantStatus()).toEqual({ configured: true, model: 'helper' });
    chat.script({ content: valid });
    const draft = await client.draftWorkflow({ description: 'wait', pack: 'shop', name: 'pause' });
    expect(draft).toMatchObject({ valid: true, ref: 'shop.pause' });
    const started = await h.engine.startExecution({ workflow_ref: 'shop.broken', input: {} });
    await h.engine.waitForCompletion(started.id);
    chat.script({ content: 'declined' });
    expect(await client.explainExecution(started.id, { model: 'other' })).toMatchObject({ explanation: 'declined', model: 'other' });
    expect(chat.requests.at(-1)?.body.model).toBe('other');
  });

  it('lets harmonia draft and explain run on the server with --url, writing the draft into the local pack folder', async () => {
    const local = mkdtempSync(join(tmpdir(), 'harmonia-remote-draft-'));
    try {
      writeTree(local, { 'packs/shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n' });
      chat.script({ content: invalid }, { content: valid });
      const drafted = await runHarmonia(['draft', 'wait', '--pack', 'shop', '--name', 'pause_remote', '--url', h.url], local, {});
      expect(drafted.code).toBe(0);
      expect(drafted.stderr).toBe('draft 1: 1 error(s) (TASK_INPUT_MISSING_PARAMETER)\ndraft 2: valid\n');
      expect(readFileSync(join(local, 'packs/shop/workflows/pause_remote.yaml'), 'utf8')).toBe('version: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n    input: { ms: 10 }\n');
      const started = await h.engine.startExecution({ workflow_ref: 'shop.broken', input: {} });
      await h.engine.waitForCompletion(started.id);
      chat.script({ content: 'the card was declined' });
      const explained = await runHarmonia(['explain', started.id, '--url', h.url], local, {});
      expect(explained.code).toBe(0);
      expect(explained.stdout).toBe(`execution ${started.id} (failed)\n\nthe card was declined\n`);
      const missing = await runHarmonia(['explain', 'nope', '--url', off.url], local, {});
      expect(missing.code).toBe(1);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });
});
