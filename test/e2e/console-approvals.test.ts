/**
 * Durable waits in the console, in a real browser against a real server (no tokens,
 * loopback, so admin): an execution waiting for a signal and an approval shows both on its
 * page; the Approvals page lists the approval and approves it; the signal, sent by the
 * client, ends the other wait and the execution completes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { openServer, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

const GATE = [
  'version: 1.0.0',
  'tasks:',
  '  paid: { action: core.signal, input: { name: payment_received, timeout: 7d } }',
  '  review: { action: core.approval, input: { message: "Ship the release?", expires_in: 2d } }',
  '  ship: { action: core.echo, depends_on: [paid, review], input: { by: "${tasks.review.output.by}" } }',
  '',
].join('\n');

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;

beforeAll(async () => {
  h = await openServer({ files: { 'demo/workflows/gate.yaml': GATE } });
  client = createClient({ baseUrl: h.url });
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

function bothWaiting(id: Promise<string>): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const off = h.engine.bus.subscribe({}, (event) => {
      void id.then((executionId) => {
        if (event.execution_id === executionId && event.event_type === 'task_waiting' && ++seen === 2) {
          off();
          resolve();
        }
      });
    });
  });
}

describe('the console (approvals and waits)', { timeout: 60_000 }, () => {
  it('shows the waits of an execution, approves from the Approvals page, and the execution completes', async () => {
    let resolveId!: (id: string) => void;
    const id = new Promise<string>((resolve) => (resolveId = resolve));
    const waiting = bothWaiting(id);
    const run = await client.executeWorkflow({ workflow_ref: 'demo.gate' });
    resolveId(run.execution_id);
    await waiting;

    await page.goto(`${h.url}/ui/executions/${run.execution_id}`);
    const panel = page.locator('section.waits-panel');
    await panel.locator('li[data-wait="paid"]').waitFor();
    expect(await panel.locator('li[data-wait="paid"]').textContent()).toContain('waits for signal payment_received');
    expect(await panel.locator('li[data-wait="review"]').textContent()).toContain('Ship the release?');
    expect(await page.locator('.dag-node.status-waiting').count()).toBe(2);
    await screenshot(page, 'execution-waits');

    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
    const row = page.locator(`tr[data-approval="${run.execution_id}/review"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Ship the release?');
    await row.getByLabel('Comment').fill('ship it');
    await screenshot(page, 'approvals');
    await row.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No pending approvals.').waitFor();

    await client.signal(run.execution_id, 'payment_received', { amount: 1 });
    const done = await client.waitForCompletion(run.execution_id);
    expect(done.status).toBe('completed');
    const events = (await client.listEvents(run.execution_id)).events;
    expect(events.find((e) => e.event_type === 'approval_decided')?.data).toMatchObject({ decision: 'approve', by: 'anonymous', comment: 'ship it' });
    expect(pageErrors(page)).toEqual([]);
  });
});
