/**
 * The console's task verbs and list filters in a real browser against a real server (no
 * tokens, loopback, so admin): skip a task that waits on a running one, rerun a finished
 * execution from a task, retry a canceled execution, and find executions by search text
 * and creation time. A read-only token's view is checked in console-gitops.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from '../integration/server/server-harness.js';
import { waitForEvent } from '../integration/server/wait-for-event.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;
const gate = createGate();

beforeAll(async () => {
  h = await openServer({ actions: { 'test.gate': gate.action } });
  client = createClient({ baseUrl: h.url });
  await registerDirect(
    h.store,
    'ops.chain',
    workflowBody([
      { id: 'build', action: 'test.gate' },
      { id: 'check', action: 'core.noop', depends_on: ['build'] },
      { id: 'ship', action: 'core.noop', depends_on: ['check'] },
    ]),
  );
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  gate.open();
  await browser?.close();
  await h?.close();
});

const taskShows = (taskId: string, status: string) => page.locator(`.dag-node[data-task="${taskId}"][data-status="${status}"]`).waitFor();
const panel = () => page.locator('aside.task-panel');

describe('the console (task controls and list filters)', { timeout: 60_000 }, () => {
  let chainId = '';

  it('skips a pending task whose upstream is still running, saying the skip waits for it', async () => {
    chainId = (await client.executeWorkflow({ workflow_ref: 'ops.chain' })).id;
    await page.goto(`${h.url}/ui/executions/${chainId}?task=check`);
    await taskShows('build', 'running');
    const skip = panel().getByRole('button', { name: 'Skip', exact: true });
    await skip.waitFor();
    expect(await panel().getByRole('button', { name: 'Rerun from here' }).count()).toBe(0);
    // the explanation is tied to the button, so a screen reader hears it with it
    const hint = await skip.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${hint}"]`).textContent()).toContain('takes effect when the task’s upstream is done');
    await skip.focus();
    await page.keyboard.press('Enter');
    // the request is in the execution's history: the panel says it waits, and offers no second skip
    await panel().getByText('Skip requested: this task is skipped when its upstream is done.').waitFor();
    expect(await skip.count()).toBe(0);
    expect(await client.getWorkflowStatus(chainId).then((s) => s.task_statuses.check?.status)).toBe('pending');
    await screenshot(page, 'execution-skip-task');

    gate.open();
    await taskShows('check', 'skipped');
    await taskShows('ship', 'completed');
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor();
    // the skip went to the server, not only into the page
    expect((await client.getWorkflowStatus(chainId)).task_statuses.check?.status).toBe('skipped');
  });

  it('reruns the finished execution from a task: it and its downstream run again, upstream keeps its result', async () => {
    expect(await panel().getByRole('button', { name: 'Skip', exact: true }).count()).toBe(0);
    await panel().getByRole('button', { name: 'Rerun from here' }).click();
    await taskShows('check', 'completed');
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor();
    await page.locator('.timeline-row', { hasText: 'ship' }).locator('.timeline-bar').nth(1).waitFor();
    const status = await client.getWorkflowStatus(chainId);
    expect(status.task_statuses.check?.status).toBe('completed');
    expect(status.task_statuses.ship?.attempts).toBe(2);
    expect(status.task_statuses.build?.attempts).toBe(1);
    await panel().locator('dd', { hasText: 'completed' }).waitFor();
    expect(await panel().getByText('(manual)').count()).toBe(0);
    await screenshot(page, 'execution-rerun-from-task');
  });

  it('offers Retry on a canceled execution and runs it again', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.slow' });
    await waitForEvent(h.engine, run.id, (e) => e.event_type === 'task_started');
    await client.cancelExecution(run.id);
    await client.waitForCompletion(run.id, { timeoutMs: 10_000 });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await page.locator('h1 .badge', { hasText: 'canceled' }).waitFor();
    await page.getByRole('toolbar', { name: 'Execution controls' }).getByRole('button', { name: 'Retry' }).click();
    await taskShows('wait', 'running');
    await page.locator('h1 .badge', { hasText: 'running' }).waitFor();
    await client.cancelExecution(run.id);
  });

  it('finds executions by id prefix or workflow text and by creation time, keeping the filters in the link', async () => {
    const hello = await client.executeWorkflow({ workflow_ref: 'demo.hello' });
    await client.waitForCompletion(hello.id, { timeoutMs: 10_000 });
    await page.goto(`${h.url}/ui/executions`);
    await page.getByRole('link', { name: 'ops.chain' }).waitFor();

    // Execution ids are time-ordered: their first 13 characters are shared by every execution of that millisecond.
    await page.getByLabel('Search').fill(hello.id.slice(0, 23));
    await page.getByLabel('Search').press('Enter');
    await page.waitForURL(/[?&]q=/);
    // The unfiltered rows stay on screen until the filtered answer replaces them.
    await page.getByRole('link', { name: 'ops.chain' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'demo.hello' }).waitFor();
    expect(await page.locator('table.list tbody tr').count()).toBe(1);

    await page.getByLabel('Search').fill('CHAIN');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('link', { name: 'ops.chain' }).waitFor();
    expect(await page.getByRole('link', { name: 'demo.hello' }).count()).toBe(0);
    await screenshot(page, 'executions-filtered');

    // created since a minute from now: nothing yet, and the page says how to widen it
    const soon = new Date(Date.now() + 60_000);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Created since').fill(local(soon));
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No executions match these filters').waitFor();
    const since = new URL(page.url()).searchParams.get('since') ?? '';
    expect(since.slice(0, 16)).toBe(new Date(Math.floor(soon.getTime() / 60_000) * 60_000).toISOString().slice(0, 16));

    // a reload keeps the filter; an until before the since is refused in the page
    await page.reload();
    expect(await page.getByLabel('Created since').inputValue()).toBe(local(soon));
    await page.getByLabel('Created until').fill(local(new Date(soon.getTime() - 3_600_000)));
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('alert').getByText('must not be before').waitFor();
    expect(await page.getByLabel('Created until').getAttribute('aria-invalid')).toBe('true');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: 'demo.hello' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(pageErrors(page)).toEqual([]);
  });
});
