/**
 * The assistant routes when the model server is slow or answers nonsense: documented
 * statuses with codes (504 TIMEOUT, 502 LLM_FAILED), never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAssistantServer, type AssistantServer } from './assistant-server.js';
import { startChatServer, type ChatServer } from './chat-server.js';

const WIDE = `version: 1.0.0\ntasks:\n${Array.from({ length: 150 }, (_, i) => `  n${i}:\n    action: core.noop\n`).join('')}  last:\n    action: core.fail\n    input: { error_type: DISK_FULL, error_message: "no space left", is_retriable: false }\n`;

const FILES = {
  'shop/workflows/wide.yaml': WIDE,
  'shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n',
  'shop/workflows/broken.yaml': 'version: 1.0.0\ntasks:\n  charge:\n    action: core.fail\n    input: { error_type: CARD_DECLINED, error_message: "declined", is_retriable: false }\n',
};

let chat: ChatServer;
let h: AssistantServer;
let failedId: string;
beforeAll(async () => {
  chat = await startChatServer();
  h = await openAssistantServer(FILES, { base_url: chat.base_url, model: 'helper', api_key: 'sk-rest-faults', timeout_ms: 200, max_retries: 0 });
  const started = await h.engine.startExecution({ workflow_ref: 'shop.broken', input: {} });
  await h.engine.waitForCompletion(started.id);
  failedId = started.id;
});
afterAll(async () => {
  await h.close();
  await chat.close();
});

describe('the assistant routes against a failing model server', () => {
  it('answer 504 TIMEOUT, as documented, when the model server does not answer in time', async () => {
    chat.script({ hang: true });
    const explained = await h.call('POST', `/api/v1/executions/${failedId}/explain`);
    expect(explained.status).toBe(504);
    expect(explained.body).toMatchObject({ error: { code: 'TIMEOUT' } });
    chat.script({ hang: true });
    const drafted = await h.call('POST', '/api/v1/assistant/draft', { description: 'anything', pack: 'shop' });
    expect(drafted.status).toBe(504);
    expect(drafted.body).toMatchObject({ error: { code: 'TIMEOUT', details: { error_type: 'TIMEOUT', retriable: true } } });
    const spec = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(spec.paths['/api/assistant/draft']?.post?.responses ?? {})).toContain('504');
    expect(Object.keys(spec.paths['/api/executions/{id}/explain']?.post?.responses ?? {})).toContain('504');
  });

  it('answer 502 LLM_FAILED with LLM_BAD_REPLY for a reply without text (a tool call) or not JSON', async () => {
    chat.script({ body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function' }] }, finish_reason: 'tool_calls' }] }) });
    const tool = await h.call('POST', `/api/v1/executions/${failedId}/explain`);
    expect(tool.status).toBe(502);
    expect(tool.body).toMatchObject({ error: { code: 'LLM_FAILED', details: { error_type: 'LLM_BAD_REPLY', retriable: true } } });
    chat.script({ body: '<html>bad gateway</html>' });
    const html = await h.call('POST', `/api/v1/executions/${failedId}/explain`);
    expect(html.status).toBe(502);
    expect(html.body).toMatchObject({ error: { code: 'LLM_FAILED', details: { error_type: 'LLM_BAD_REPLY' } } });
  });

  it('tells the model a bounded list of a draft\'s problems, however many it has', async () => {
    const tasks = Array.from({ length: 300 }, (_, i) => `  t${i}:\n    action: nowhere.missing_${i}\n`).join('');
    const draft = `\`\`\`yaml\nversion: 1.0.0\ntasks:\n${tasks}\`\`\``;
    chat.script({ content: draft }, { content: draft });
    const before = chat.requests.length;
    const drafted = await h.call('POST', '/api/v1/assistant/draft', { description: 'many tasks', pack: 'shop', max_attempts: 2 });
    expect(drafted.status).toBe(200);
    expect(drafted.body).toMatchObject({ valid: false });
    const feedback = chat.requests[before + 1]?.body.messages.at(-1)?.content ?? '';
    expect(feedback).toContain('The validator found these problems');
    expect(feedback).toMatch(/and \d+ more/);
    expect(feedback.length).toBeLessThan(10_000);
  });

  it('refuses a description longer than the REST limit in harmonia draft too, before asking the model', async () => {
    const { draftWorkflow } = await import('../../../src/llm/draft-workflow.js');
    const { createChatClient } = await import('../../../src/llm/chat-client.js');
    const before = chat.requests.length;
    const client = createChatClient({ base_url: chat.base_url, model: 'helper' });
    const pack = { catalogue: { pack: 'shop' }, workflow_names: new Set<string>(), check: async () => [] } as never;
    await expect(draftWorkflow({ client, description: 'x'.repeat(8001), pack })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    expect(chat.requests.length).toBe(before);
  });

  it('tells the model about a bounded number of tasks, the failed ones always, and counts the rest', async () => {
    const started = await h.engine.startExecution({ workflow_ref: 'shop.wide', input: {} });
    await h.engine.waitForCompletion(started.id);
    chat.script({ content: 'the disk is full' });
    const explained = await h.call('POST', `/api/v1/executions/${started.id}/explain`);
    expect(explained.status).toBe(200);
    const facts = explained.body.facts as { tasks: Array<{ task_id: string; status: string }>; tasks_omitted?: Record<string, number> };
    expect(facts.tasks).toHaveLength(100);
    expect(facts.tasks.find((t) => t.task_id === 'last')).toMatchObject({ status: 'failed' });
    const omitted = Object.values(facts.tasks_omitted ?? {}).reduce((a, b) => a + b, 0);
    expect(omitted).toBe(51);
    expect(chat.requests.at(-1)?.body.messages.at(-1)?.content).toContain('"tasks_omitted"');
  });
});
