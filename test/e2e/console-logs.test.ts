/**
 * Task logs in the console, in a real browser against a real server: a task that prints
 * on both streams and fails shows its error with the last lines of its log, each attempt's
 * log (deep-linked, downloadable), and a running task's log follows live.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { openServer, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

const FILES = {
  // two attempts, each printing on stdout and stderr, then failing
  'demo/workflows/noisy.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  compile:',
    '    action: core.shell',
    '    retry: { max_attempts: 2, initial_delay_ms: 1 }',
    '    input:',
    '      shell: true',
    '      command: |',
    '        echo "compiling attempt $HARMONIA_ATTEMPT"',
    '        echo "warning: flaky disk" >&2',
    '        echo "linking"',
    '        echo "error: undefined symbol main" >&2',
    '        exit 3',
    '',
  ].join('\n'),
  // prints 41 lines, waits for a file, prints again, waits for another, then passes
  'demo/workflows/tailing.yaml': [
    'version: 1.0.0',
    'input:',
    '  dir: { type: string }',
    'tasks:',
    '  watch:',
    '    action: core.shell',
    '    input:',
    '      shell: true',
    '      env: { DIR: "${input.dir}" }',
    '      command: |',
    '        seq 1 40 | sed "s/^/line /"',
    '        echo "waiting for the first file"',
    '        while [ ! -f "$DIR/one" ]; do sleep 0.02; done',
    '        echo "got the first file"',
    '        while [ ! -f "$DIR/two" ]; do sleep 0.02; done',
    '        echo "done"',
    '',
  ].join('\n'),
  // a long log: the panel draws only the rows in view
  'demo/workflows/long.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  flood:',
    '    action: core.shell',
    '    input:',
    '      shell: true',
    '      command: seq 1 5000 | sed "s/^/row /"',
    '',
  ].join('\n'),
};

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;

beforeAll(async () => {
  h = await openServer({ files: FILES });
  client = createClient({ baseUrl: h.url });
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  writeFileSync(join(h.dir, 'one'), '');
  writeFileSync(join(h.dir, 'two'), '');
  await browser?.close();
  await h?.close();
});

const panel = () => page.locator('aside.task-panel');
const logText = async () => (await panel().locator('.log-lines .log-line .log-text').allTextContents()).join('\n');

describe('task logs in the console', { timeout: 60_000 }, () => {
  it("shows a failed task's error with the last lines of its log, stdout and stderr marked apart", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.noisy' });
    await client.waitForCompletion(run.id, { timeoutMs: 20_000 });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    const node = page.locator('.dag-node[data-task="compile"][data-status="failed"]');
    await node.waitFor();
    await node.focus();
    await page.keyboard.press('Enter');
    expect(page.url()).toContain('?task=compile');

    // the error and, beside it, the failed attempt's last lines
    const error = panel().locator('.task-error');
    const tail = error.locator('.log-tail .log-line');
    await tail.getByText('error: undefined symbol main').waitFor();
    expect(await error.getByRole('alert').textContent()).toContain('ACTION_FAILED');
    expect(await tail.locator('.log-text').allTextContents()).toEqual(
      expect.arrayContaining(['compiling attempt 2', 'warning: flaky disk', 'linking', 'error: undefined symbol main']),
    );
    expect(await error.locator('.log-line[data-stream="stderr"] .log-text').allTextContents()).toEqual(['warning: flaky disk', 'error: undefined symbol main']);
    expect(await error.locator('.log-line[data-stream="stderr"] .log-stream').first().textContent()).toBe('err');

    // the log section shows the latest attempt, with a picker for the other
    await panel().locator('.log-lines').getByText('compiling attempt 2').waitFor();
    expect(await logText()).not.toContain('compiling attempt 1');
    const picker = panel().getByRole('combobox', { name: 'Attempt' });
    expect(await picker.locator('option').allTextContents()).toEqual(['#1', '#2']);
    await screenshot(page, 'execution-failed-task-log');

    await picker.selectOption('1');
    await panel().locator('.log-lines').getByText('compiling attempt 1').waitFor();
    expect(page.url()).toContain('task=compile&attempt=1');
    // the engine's own note on the first attempt (its retry) is marked as a system line
    const note = panel().locator('.log-lines .log-line[data-stream="system"]');
    await note.first().waitFor();
    // a note quoting a multi-line error is stored as lines of its own, each marked as the engine's
    expect((await note.locator('.log-text').allTextContents()).join('\n')).toMatch(/^failed with ACTION_FAILED: shell command exited with code 3: [\s\S]*; attempt 2 in 1 ms$/);
    expect(new Set(await note.locator('.log-stream').allTextContents())).toEqual(new Set(['sys']));
    expect(await logText()).not.toContain('compiling attempt 2');
    expect(pageErrors(page)).toEqual([]);
  });

  it('opens a task and attempt from a deep link and downloads the whole log as text', async () => {
    const [first] = (await client.listExecutions({ workflowRef: 'demo.noisy' })).items;
    expect(first).toBeDefined();
    await page.goto(`${h.url}/ui/executions/${first?.id ?? ''}?task=compile&attempt=1`);
    await panel().locator('.log-lines').getByText('compiling attempt 1').waitFor();
    expect(await panel().getByRole('combobox', { name: 'Attempt' }).inputValue()).toBe('1');

    const [download] = await Promise.all([page.waitForEvent('download'), panel().getByRole('link', { name: 'Download log' }).click()]);
    expect(download.suggestedFilename()).toMatch(/-compile-attempt-1\.log$/);
    const text = readFileSync((await download.path()) ?? '', 'utf8');
    expect(text).toMatch(/ stdout compiling attempt 1\n/);
    expect(text).toMatch(/ stderr error: undefined symbol main\n/);
    expect(text).not.toContain('compiling attempt 2');
  });

  it("follows a running task's log live, keeping the newest line in view unless the reader scrolled up", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.tailing', input: { dir: h.dir } });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=watch`);
    const lines = panel().locator('.log-lines');
    const atBottom = () => lines.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
    await lines.getByText('waiting for the first file').waitFor();
    await panel().getByRole('status').filter({ hasText: 'Following live' }).waitFor();

    writeFileSync(join(h.dir, 'one'), '');
    await lines.getByText('got the first file').waitFor();
    expect(await atBottom()).toBe(true);
    await screenshot(page, 'execution-log-live');

    // scrolled up, a new line arrives and the view stays where the reader is
    await lines.evaluate((el) => {
      el.scrollTop = 0;
    });
    await lines.getByText('line 1', { exact: true }).waitFor();
    writeFileSync(join(h.dir, 'two'), '');
    await panel().locator('.log-lines[data-lines="43"]').waitFor();
    expect(await lines.evaluate((el) => el.scrollTop)).toBe(0);
    expect(await atBottom()).toBe(false);

    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor();
    await panel().locator('.task-log[data-following="false"]').waitFor();
    await lines.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await lines.getByText('done', { exact: true }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('draws only the rows in view of a long log and keeps the newest in view', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.long' });
    await client.waitForCompletion(run.id, { timeoutMs: 20_000 });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=flood`);
    const lines = panel().locator('.log-lines');
    await lines.getByText('row 5000', { exact: true }).waitFor();
    expect(await lines.getAttribute('data-lines')).toBe('5000');
    expect(await lines.locator('.log-line').count()).toBeLessThan(100);

    // scrolled up, the view stays where the reader is
    await lines.evaluate((el) => {
      el.scrollTop = 0;
    });
    await lines.getByText('row 1', { exact: true }).waitFor();
    expect(await lines.locator('.log-line').count()).toBeLessThan(100);
  });
});
