/**
 * The assistant in the console, in a real browser against real `harmonia serve` processes
 * (dist/cli.js; `npm run build` first), one with HARMONIA_LLM_BASE_URL pointing at a
 * scripted chat-completions server (test/integration/llm/chat-server.ts), one without a
 * model: "Explain this
 * failure" on a failed execution, "Draft a workflow" on a pack (YAML, its diagnostics at
 * their lines, attempts, download), and nothing of it when no model is configured.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { writeTree } from '../integration/cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../integration/cli/serve-process.js';
import { startChatServer, type ChatServer } from '../integration/llm/chat-server.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

const FILES = {
  'shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n',
  'shop/workflows/broken.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  charge:',
    '    action: core.fail',
    '    input: { error_type: CARD_DECLINED, error_message: "the card was declined", is_retriable: false }',
    '',
  ].join('\n'),
};
const invalid = '```yaml\nversion: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n```';
const valid = '```yaml\nversion: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n    input: { ms: 10 }\n```';

let chat: ChatServer;
let h: ServeProcess;
let off: ServeProcess;
const dirs: string[] = [];
let browser: Browser;
let page: Page;
let failedId = '';

/** `harmonia serve` over a fresh project dir holding the shop pack; `model` adds the HARMONIA_LLM_* settings. */
async function serve(model: boolean): Promise<{ served: ServeProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-console-assistant-'));
  dirs.push(dir);
  writeTree(join(dir, 'packs'), FILES);
  const env: Record<string, string> = { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_SHUTDOWN_GRACE: '0' };
  if (model) Object.assign(env, { HARMONIA_LLM_BASE_URL: chat.base_url, HARMONIA_LLM_MODEL: 'helper', HARMONIA_LLM_API_KEY: 'sk-console-key' });
  return { served: await startServeProcess(['--port', '0'], { cwd: dir, env }), dir };
}

async function failedExecution(url: string): Promise<string> {
  const client = createClient({ baseUrl: url });
  const { id } = await client.executeWorkflow({ workflow_ref: 'shop.broken' });
  await client.waitForCompletion(id, { timeoutMs: 20_000 });
  return id;
}

let packsDir = '';
beforeAll(async () => {
  chat = await startChatServer();
  const on = await serve(true);
  h = on.served;
  packsDir = join(on.dir, 'packs');
  off = (await serve(false)).served;
  browser = await launchBrowser();
  page = await openPage(browser);
  failedId = await failedExecution(h.url);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await off?.stop();
  await chat?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const panel = () => page.getByRole('complementary', { name: /Assistant|Draft a workflow/ });

describe('the console (assistant)', { timeout: 60_000 }, () => {
  it('explains a failed execution in the chat panel', async () => {
    chat.script({ content: 'Task charge failed with CARD_DECLINED: the card was declined. Retrying will not help.' });
    await page.goto(`${h.url}/ui/executions/${failedId}`);
    await page.getByRole('button', { name: 'Explain this failure' }).click();
    await panel().getByText('Retrying will not help.', { exact: false }).waitFor();
    expect(await panel().locator('h2').textContent()).toContain('helper');
    // the request went to the model server, and the key never reached the page
    expect(chat.requests.at(-1)?.body.messages.map((m) => m.content).join('\n')).toContain('CARD_DECLINED');
    expect(await page.content()).not.toContain('sk-console-key');
    expect(h.stderr()).not.toContain('sk-console-key');
    await screenshot(page, 'assistant-explain');
  });

  it('drafts a workflow for a pack: the valid YAML after a corrected attempt, to copy or download, nothing written', async () => {
    chat.script({ content: invalid }, { content: valid });
    await page.goto(`${h.url}/ui/packs`);
    await page.getByRole('button', { name: 'Draft a workflow' }).click();
    await panel().getByLabel('What should a new workflow in shop do?').fill('wait a bit');
    await panel().getByRole('button', { name: 'Draft', exact: true }).click();
    await panel().locator('.badge', { hasText: 'valid' }).waitFor();
    expect(await panel().getByRole('region', { name: 'Draft wait_a_bit.yaml' }).textContent()).toContain('input: { ms: 10 }');
    const attempts = panel().getByRole('table', { name: 'Attempts' }).locator('tbody tr');
    expect(await attempts.allTextContents()).toEqual(['1invalid10TASK_INPUT_MISSING_PARAMETER', '2valid00—']);
    const [download] = await Promise.all([page.waitForEvent('download'), panel().getByRole('link', { name: 'Download wait_a_bit.yaml' }).click()]);
    expect(download.suggestedFilename()).toBe('wait_a_bit.yaml');
    const path = await download.path();
    expect(readFileSync(path, 'utf8')).toBe('version: 1.0.0\nname: Wait a bit\ntasks:\n  a:\n    action: core.sleep\n    input: { ms: 10 }\n');
    expect(existsSync(join(packsDir, 'shop/workflows/wait_a_bit.yaml'))).toBe(false);
  });

  it('shows an invalid draft with each diagnostic under its line', async () => {
    chat.script({ content: invalid }, { content: invalid }, { content: invalid });
    await panel().getByLabel('What should a new workflow in shop do?').fill('sleep');
    await panel().getByRole('button', { name: 'Draft', exact: true }).click();
    await panel().locator('.badge', { hasText: 'invalid' }).first().waitFor();
    const source = panel().getByRole('region', { name: 'Draft wait_a_bit.yaml' }).last();
    const under = source.locator('tr.line-diagnostics');
    await under.first().waitFor();
    const line = Number(await under.first().getAttribute('data-line'));
    // the line the message sits under is the task the diagnostic is about
    expect(await source.locator(`tr#L${line}`).textContent()).toMatch(/a:|action: core\.sleep/);
    expect(await under.first().textContent()).toContain('TASK_INPUT_MISSING_PARAMETER');
    expect(await source.locator(`tr#L${line} .gutter-marker`).count()).toBe(1);
    await screenshot(page, 'assistant-draft');
    expect(pageErrors(page)).toEqual([]);
  });

  it("shows the model server's failure in the panel with its code", async () => {
    chat.script({ status: 400, body: '{"error":"model not found"}' });
    await panel().getByLabel('What should a new workflow in shop do?').fill('anything');
    await panel().getByRole('button', { name: 'Draft', exact: true }).click();
    const alert = panel().getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('code').textContent()).toBe('LLM_FAILED');
    // the panel is usable again after the failure
    expect(await panel().getByRole('button', { name: 'Draft', exact: true }).isEnabled()).toBe(true);
  });

  it('shows no assistant when the server has no model', async () => {
    const offFailed = await failedExecution(off.url);
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/assistant'));
    await page.goto(`${off.url}/ui/executions/${offFailed}`);
    expect(await (await asked).json()).toEqual({ configured: false, model: null });
    await page.locator('h1 .badge', { hasText: 'failed' }).waitFor();
    expect(await page.getByRole('button', { name: 'Explain this failure' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Packs' }).click();
    await page.getByRole('button', { name: 'Validate' }).waitFor();
    expect(await page.getByRole('button', { name: 'Draft a workflow' }).count()).toBe(0);
  });
});
