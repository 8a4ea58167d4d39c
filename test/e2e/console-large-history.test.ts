/**
 * An execution's page shows its graph from the server's folded task views, not from its
 * whole history: the page reads a page of tasks and the last events, then follows the
 * stream from the seq the views are folded to. Real server, real Chromium; what is
 * asserted is the requests the page made, not how long it took.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

const ITEMS = 2500;

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;
const gate = createGate();

beforeAll(async () => {
  h = await openServer({ actions: { 'test.gate': gate.action }, engine: { limits: { max_items: ITEMS } } });
  client = createClient({ baseUrl: h.url });
  await registerDirect(
    h.store,
    'big.fan',
    workflowBody([
      { id: 'each', action: 'core.noop', with_items: `\${range(0, ${ITEMS})}` },
      { id: 'hold', action: 'test.gate', depends_on: ['each'] },
      { id: 'after', action: 'core.echo', depends_on: ['hold'], input: { message: 'after the gate' } },
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

/** The API requests the page makes from now on (paths under /api/ with their query). */
function recordApi(target: Page): { urls: URL[]; stop(): void } {
  const urls: URL[] = [];
  const listener = (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) urls.push(url);
  };
  target.on('request', listener);
  return { urls, stop: () => target.off('request', listener) };
}

const eventPages = (urls: readonly URL[], id: string) => urls.filter((u) => u.pathname === `/api/v1/executions/${id}/events`);
const taskShows = (taskId: string, status: string) => page.locator(`.dag-node[data-task="${taskId}"][data-status="${status}"]`).waitFor();
const badge = (status: string) => page.locator('h1 .badge', { hasText: status }).waitFor();
const tableSeqs = () => page.locator('table.events tr[data-seq]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));

async function untilEvent(id: string, match: (type: string, taskId: string | undefined) => boolean): Promise<void> {
  for await (const event of client.events(id, { untilFinished: false })) if (match(event.event_type, event.task_id)) return;
}

describe('the console (an execution with a large history)', { timeout: 90_000 }, () => {
  it('shows the task states of a long history from one page of tasks and the last 100 events, then follows it live without a gap', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'big.fan' });
    await untilEvent(run.id, (type, task) => type === 'task_started' && task === 'hold');
    const opened = await client.getWorkflowStatus(run.id);
    expect(opened.last_seq).toBeGreaterThan(2 * ITEMS);

    const api = recordApi(page);
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await taskShows('each', 'completed');
    await taskShows('hold', 'running');
    await taskShows('after', 'pending');
    await badge('running');
    await page.locator('.stream-live').waitFor();
    const loadRequests = [...api.urls];
    // one page of tasks, and of the history only its last 100 events: nothing grows with the history
    expect(loadRequests.filter((u) => u.pathname === `/api/v1/executions/${run.id}/tasks`)).toHaveLength(1);
    const events = eventPages(loadRequests, run.id);
    expect(events.map((u) => u.searchParams.get('limit'))).toEqual(['100']);
    expect(loadRequests.length).toBeLessThanOrEqual(12);
    expect(await tableSeqs()).toEqual(Array.from({ length: 100 }, (_, i) => opened.last_seq - 99 + i));

    // a task finishing after the page opened shows live, from the seq the views were folded to
    gate.open();
    await taskShows('hold', 'completed');
    await taskShows('after', 'completed');
    await badge('completed');
    const done = await client.getWorkflowStatus(run.id);
    await page.locator(`table.events tr[data-seq="${done.last_seq}"]`).waitFor();
    // the last 100 of the history read and the stream, without a gap or a repeat
    expect(await tableSeqs()).toEqual(Array.from({ length: 100 }, (_, i) => done.last_seq - 99 + i));
    await page.getByText(`Showing the last 100 of ${done.last_seq.toLocaleString('en-US')} events.`).waitFor();
    expect(eventPages(api.urls, run.id)).toHaveLength(1);
    api.stop();
    expect(pageErrors(page)).toEqual([]);
  });

  it("opens the fan-out's task panel with a page of its items, read for that page", async () => {
    const [run] = (await client.listExecutions({ workflowRef: 'big.fan' })).items;
    if (!run) throw new Error('no execution');
    const api = recordApi(page);
    await page.goto(`${h.url}/ui/executions/${run.id}?task=each`);
    const items = page.locator('aside.task-panel [aria-label="Items"]');
    await items.getByText(`${ITEMS} completed, 0 failed of ${ITEMS}`).waitFor();
    await items.getByText(`Items 1–100 of ${ITEMS}`).waitFor();
    await items.locator('li[data-item="99"] .badge', { hasText: 'completed' }).waitFor();
    await items.getByRole('button', { name: 'Next items' }).click();
    await items.locator('li[data-item="150"] .badge', { hasText: 'completed' }).waitFor();
    const reads = api.urls.filter((u) => u.pathname === `/api/v1/executions/${run.id}/tasks/each`);
    expect(reads.map((u) => u.searchParams.get('item_offset'))).toEqual(['0', '100']);
    expect(eventPages(api.urls, run.id).map((u) => u.searchParams.get('limit'))).toEqual(['100']);
    api.stop();

    await page.goto(`${h.url}/ui/executions/${run.id}?task=after`);
    const panel = page.locator('aside.task-panel');
    await panel.locator('[aria-label="Input"] pre', { hasText: 'after the gate' }).waitFor();
    await panel.locator('[aria-label="Output"]').waitFor();
  });

  it('reads earlier events a thousand at a time, on demand', async () => {
    const [run] = (await client.listExecutions({ workflowRef: 'big.fan' })).items;
    if (!run) throw new Error('no execution');
    const total = (await client.getWorkflowStatus(run.id)).last_seq;
    const api = recordApi(page);
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await badge('completed');
    await page.getByRole('button', { name: 'Show 1,000 earlier' }).click();
    await page.getByText(`Showing the last 1,100 of ${total.toLocaleString('en-US')} events.`).waitFor();
    expect(await tableSeqs()).toEqual(Array.from({ length: 1100 }, (_, i) => total - 1099 + i));
    const reads = eventPages(api.urls, run.id).map((u) => [u.searchParams.get('after_seq'), u.searchParams.get('limit')]);
    expect(reads).toEqual([
      [String(total - 100), '100'],
      [String(total - 1100), '1000'],
    ]);
    api.stop();
  });

  it('shows a paused, then a canceled execution as it stands', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.slow' });
    await untilEvent(run.id, (type, task) => type === 'task_started' && task === 'wait');
    await client.pauseExecution(run.id);
    await untilEvent(run.id, (type) => type === 'workflow_paused');
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await badge('paused');
    await taskShows('wait', 'running');
    await taskShows('after', 'pending');
    await screenshot(page, 'execution-paused-from-views');

    await client.cancelExecution(run.id);
    await client.waitForCompletion(run.id, { timeoutMs: 30_000 });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=wait`);
    await badge('canceled');
    await taskShows('wait', 'canceled');
    const attempt = page.locator('aside.task-panel [aria-label="Attempts"] li').first();
    await attempt.locator('.badge', { hasText: 'canceled' }).waitFor();
  });

  it("shows a failed execution with its task's error, and a task's input masked", async () => {
    const broken = await client.executeWorkflow({ workflow_ref: 'demo.broken' });
    await client.waitForCompletion(broken.id, { timeoutMs: 30_000 });
    await page.goto(`${h.url}/ui/executions/${broken.id}?task=boom`);
    await badge('failed');
    await taskShows('boom', 'failed');
    await page.locator('aside.task-panel .task-error', { hasText: 'it broke' }).waitFor();

    const hello = await client.executeWorkflow({ workflow_ref: 'demo.hello' });
    await client.waitForCompletion(hello.id, { timeoutMs: 30_000 });
    await page.goto(`${h.url}/ui/executions/${hello.id}?task=greet`);
    const input = page.locator('aside.task-panel [aria-label="Input"] pre');
    await input.getByText(/hello world/).waitFor();
    expect(await input.textContent()).not.toContain('k-123');
  });
});
