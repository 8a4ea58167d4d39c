/**
 * The console in a real browser against a real server (no tokens, loopback): run a
 * workflow from its form and watch its DAG turn green live, open a failed task's error,
 * cancel a running execution and retry it, instantiate a template and run it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;
const gate = createGate();
const second = createGate();

beforeAll(async () => {
  h = await openServer({ actions: { 'test.gate': gate.action, 'test.second': second.action } });
  client = createClient({ baseUrl: h.url });
  await registerDirect(
    h.store,
    'gated.flow',
    workflowBody(
      [
        { id: 'prepare', action: 'core.noop' },
        { id: 'hold', action: 'test.gate', depends_on: ['prepare'] },
        { id: 'publish', action: 'core.noop', depends_on: ['hold'] },
      ],
      { input: { region: { type: 'string', enum: ['eu', 'us'], required: true }, replicas: { type: 'integer', default: 2 } } },
    ),
  );
  await registerDirect(
    h.store,
    'gated.resume',
    workflowBody([
      { id: 'hold', action: 'test.second' },
      { id: 'after', action: 'core.noop', depends_on: ['hold'] },
    ]),
  );
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  gate.open();
  second.open();
  await browser?.close();
  await h?.close();
});

const nodeStatus = (taskId: string) => page.locator(`.dag-node[data-task="${taskId}"]`);
/** Waits (up to the page's timeout) until the DAG shows the task in that status. */
const taskShows = (taskId: string, status: string) => page.locator(`.dag-node[data-task="${taskId}"][data-status="${status}"]`).waitFor();

describe('the console (executions)', { timeout: 60_000 }, () => {
  it('serves the app at /ui/ and redirects / there, with deep links answered by index.html', async () => {
    const root = await fetch(`${h.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const deep = await fetch(`${h.url}/ui/executions/some-id?task=x`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const html = await deep.text();
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${h.url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${h.url}/ui/assets/missing-123.js`)).status).toBe(404);
  });

  it('shows the empty executions list, then runs a workflow from its form and watches the DAG turn green live', async () => {
    await page.goto(`${h.url}/`);
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.getByText('No executions yet').waitFor();
    await screenshot(page, 'executions-empty');

    await page.getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('link', { name: 'gated.flow' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    // checked in the browser before sending: the required enum is empty
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByText('region must be required').waitFor();
    await page.getByLabel(/^region/).selectOption('eu');
    await page.getByLabel(/^replicas/).fill('2.5');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByText('replicas must be a whole number').waitFor();
    await page.getByLabel(/^replicas/).fill('3');
    await screenshot(page, 'workflow-run-form');
    await page.getByRole('button', { name: 'Start execution' }).click();

    await page.waitForURL(/\/ui\/executions\/[^/?]+$/);
    await taskShows('hold', 'running');
    await taskShows('prepare', 'completed');
    await taskShows('publish', 'pending');
    await page.getByText('Live', { exact: true }).waitFor();
    await screenshot(page, 'execution-running');

    gate.open();
    // no reload: the SSE stream turns the rest green
    await taskShows('publish', 'completed');
    await taskShows('hold', 'completed');
    await page.locator('h1 .badge', { hasText: 'completed' }).waitFor();
    const id = page.url().split('/').pop() ?? '';
    expect((await client.getWorkflowStatus(id)).input).toEqual({ region: 'eu', replicas: 3 });
    await screenshot(page, 'execution-completed');
  });

  it('resumes after a dropped connection without losing or repeating an event', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'gated.resume' });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await taskShows('hold', 'running');
    const finished = new Promise<void>((resolve) => {
      const off = h.engine.bus.subscribe({ execution_id: run.id }, (event) => {
        if (event.event_type === 'workflow_completed') {
          off();
          resolve();
        }
      });
    });
    // cut the page's event stream and keep it cut while the execution finishes
    await page.context().setOffline(true);
    try {
      h.server.server.closeAllConnections();
      second.open();
      await finished;
    } finally {
      await page.context().setOffline(false);
    }
    const done = await client.getWorkflowStatus(run.id);
    expect(done.status).toBe('completed');
    await taskShows('after', 'completed');
    const seqs = await page.locator('tr[data-seq]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs).toEqual(Array.from({ length: done.last_seq }, (_, i) => i + 1));
  });

  it("opens a failed task's error from the DAG, deep-linked by task", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.broken' });
    await client.waitForCompletion(run.id, { timeoutMs: 10_000 });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await taskShows('boom', 'failed');
    await nodeStatus('boom').focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('aside.task-panel');
    await panel.getByText('it broke').first().waitFor();
    expect(page.url()).toContain('?task=boom');
    expect(await panel.getByRole('alert').textContent()).toContain('ACTION_FAILED');
    await screenshot(page, 'execution-failed-task');
  });

  it('retries the failed execution and shows the new attempt live', async () => {
    await page.getByRole('button', { name: 'Retry' }).click();
    // the task runs (and fails) again: a second attempt on the timeline, a workflow_resumed event
    await page.locator('.timeline-bar').nth(1).waitFor();
    expect(await page.locator('.timeline-bar').count()).toBe(2);
    await page.locator('td', { hasText: 'workflow_resumed' }).waitFor();
    await page.locator('h1 .badge', { hasText: 'failed' }).waitFor();
    await page.getByRole('link', { name: '#2' }).click();
    expect(page.url()).toContain('task=boom&attempt=2');
    await screenshot(page, 'execution-retried');
  });

  it('cancels a running execution', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'demo.slow' });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await taskShows('wait', 'running');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('h1 .badge', { hasText: 'canceled' }).waitFor();
    await taskShows('after', 'skipped');
    expect((await client.getWorkflowStatus(run.id)).status).toBe('canceled');
    // a finished execution offers no controls it cannot take
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    await screenshot(page, 'execution-canceled');
  });

  it('instantiates a template from its form and runs the workflow it made', async () => {
    await page.goto(`${h.url}/ui/templates`);
    await page.getByRole('link', { name: 'demo.greeting' }).click();
    await page.getByLabel(/^who/).fill('console');
    await page.getByLabel('Workflow name').fill('greet_console');
    await screenshot(page, 'template');
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.getByRole('link', { name: 'Run it' }).click();
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.waitForURL(/\/ui\/executions\/[^/?]+$/);
    await taskShows('say', 'completed');
    // and once more with the same input, from the execution's page
    const first = page.url();
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.waitForURL((url) => url.toString() !== first && /\/ui\/executions\/[^/?]+$/.test(url.pathname));
    await taskShows('say', 'completed');
  });

  it('lists executions with a status filter, and shows workflows, source, packs and the monitor', async () => {
    await page.goto(`${h.url}/ui/executions?status=failed`);
    await page.getByRole('link', { name: 'demo.broken' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'gated.flow' }).count()).toBe(0);
    // a hand-edited filter the server does not take shows its refusal, not an unfiltered list
    await page.goto(`${h.url}/ui/executions?status=bogus`);
    await page.getByRole('alert').getByText("query parameter status='bogus' must be one of pending, running, paused, completed, failed, canceled").waitFor();
    expect(await page.getByRole('link', { name: 'gated.flow' }).count()).toBe(0);
    await page.goto(`${h.url}/ui/executions?since=yesterday`);
    await page.getByRole('alert').getByText("query parameter created_since='yesterday'", { exact: false }).waitFor();
    await page.goto(`${h.url}/ui/executions`);
    await page.getByRole('link', { name: 'gated.flow' }).first().waitFor();
    await screenshot(page, 'executions');

    // this server follows no git: the workflow pages do not ask for git sources (a 404 in the browser's console)
    const asked: string[] = [];
    const record = (request: { url(): string }) => void asked.push(new URL(request.url()).pathname);
    page.on('request', record);
    await page.goto(`${h.url}/ui/workflows`);
    await page.getByRole('link', { name: 'demo.hello' }).waitFor();
    await page.goto(`${h.url}/ui/workflows/demo.hello`);
    await page.getByRole('heading', { name: 'demo.hello' }).first().waitFor();
    page.off('request', record);
    expect(asked).toContain('/api/v1/workflows');
    expect(asked.filter((path) => path.includes('/git/'))).toEqual([]);
    await page.goto(`${h.url}/ui/workflows`);
    await page.getByRole('link', { name: 'demo.hello' }).waitFor();
    await screenshot(page, 'workflows');
    await page.goto(`${h.url}/ui/workflows/demo.hello?tab=source`);
    await page.getByText('hello ${input.who}').waitFor();
    await screenshot(page, 'workflow-source');

    await page.goto(`${h.url}/ui/packs`);
    await page.getByRole('row', { name: /^demo/ }).getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/Validate demo: (ok|problems found)/).waitFor();
    await screenshot(page, 'packs');

    await page.goto(`${h.url}/ui/monitor`);
    await page.getByRole('heading', { name: 'Throughput and failures' }).waitFor();
    await page.getByText('does not follow a git repository').waitFor();
    await screenshot(page, 'monitor');
    expect(pageErrors(page)).toEqual([]);
  });
});
