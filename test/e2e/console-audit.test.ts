/**
 * What an outside-in walk through the console found, pinned in a real browser against a
 * real server (no tokens, loopback, so admin): a secret input typed unseen and never
 * re-sent as its mask, durations that grow while nothing happens, a stream that says so
 * while the server is away, a parent task that leads to its child, child executions told
 * apart in the list, and no sideways scrolling at phone width.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { createGate, openServer, registerDirect, workflowBody, type ServerHarness } from '../integration/server/server-harness.js';
import { createToken, revokeToken } from '../../src/server/tokens.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;
const held = createGate();
const away = createGate();

beforeAll(async () => {
  h = await openServer({ actions: { 'test.held': held.action, 'test.away': away.action } });
  client = createClient({ baseUrl: h.url });
  await registerDirect(
    h.store,
    'audit.secret',
    workflowBody([{ id: 'use', action: 'core.echo', input: { message: 'deploying ${input.region}' } }], {
      input: { password: { type: 'string', required: true, secret: true }, region: { type: 'string', default: 'eu' } },
    }),
  );
  await registerDirect(h.store, 'audit.held', workflowBody([{ id: 'hold', action: 'test.held' }]));
  await registerDirect(h.store, 'audit.away', workflowBody([{ id: 'hold', action: 'test.away' }, { id: 'after', depends_on: ['hold'] }]));
  await registerDirect(h.store, 'audit.child', workflowBody([{ id: 'work', action: 'core.echo', input: { message: 'child work' } }]));
  await registerDirect(h.store, 'audit.fan', workflowBody([{ id: 'each', action: 'core.noop', with_items: '${range(0, 700)}' }]));
  await registerDirect(h.store, 'audit.parent', workflowBody([{ id: 'call', action: 'core.workflow', input: { workflow: 'audit.child' } }]));
  await registerDirect(h.store, 'audit.fanparent', workflowBody([{ id: 'calls', action: 'core.workflow', with_items: '${range(0, 105)}', input: { workflow: 'audit.child' } }]));
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  held.open();
  away.open();
  await browser?.close();
  await h?.close();
});

const taskShows = (taskId: string, status: string) => page.locator(`.dag-node[data-task="${taskId}"][data-status="${status}"]`).waitFor();
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const badge = (status: string) => page.locator('h1 .badge', { hasText: status }).waitFor();

describe('the console (an outside-in audit)', { timeout: 60_000 }, () => {
  it('takes a secret input in a password field, and sends what was typed', async () => {
    await page.goto(`${h.url}/ui/workflows/audit.secret?tab=run`);
    const secret = page.getByLabel(/^password/);
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.getAttribute('autocomplete')).toBe('new-password');
    expect(await page.getByLabel(/^region/).getAttribute('type')).toBe('text');
    await secret.fill('hunter2-s3cr3t');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.waitForURL(/\/ui\/executions\/[^/?]+$/);
    await badge('completed');
    expect(await page.content()).not.toContain('hunter2-s3cr3t');
  });

  it('does not Run again with the mask in place of a secret: it sends to the run form instead', async () => {
    const before = (await client.listExecutions({ workflowRef: 'audit.secret' })).items.length;
    // the execution the form started: its input is shown masked
    await page.getByText('**REDACTED**').first().waitFor();
    expect(await page.getByRole('button', { name: 'Run again' }).count()).toBe(0);
    const toForm = page.getByRole('link', { name: 'Run again from the form' });
    await toForm.click();
    await page.waitForURL(/\/ui\/workflows\/audit\.secret\?tab=run$/);
    expect(await page.getByLabel(/^password/).inputValue()).toBe('');
    // nothing was started with '**REDACTED**' as the password
    expect((await client.listExecutions({ workflowRef: 'audit.secret' })).items.length).toBe(before);
  });

  it("keeps a running execution's duration and its attempt's growing while no event comes", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.held' });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=hold`);
    await taskShows('hold', 'running');
    await held.entered;
    const duration = page.locator('dl.facts.inline dd').nth(1);
    const attempt = page.locator('ol.attempts li').first();
    const first = { duration: (await duration.textContent()) ?? '', attempt: (await attempt.textContent()) ?? '' };
    const bar = page.locator('.timeline-row', { hasText: 'hold' }).locator('.timeline-bar');
    const label = (await bar.getAttribute('aria-label')) ?? '';
    // the task is held: no event, no log line; only the page's own clock can move these
    await duration.filter({ hasNotText: exactly(first.duration) }).waitFor();
    await attempt.filter({ hasNotText: exactly(first.attempt) }).waitFor();
    await page.locator('.timeline-bar:not([aria-label="' + label + '"])').waitFor();
    held.open();
    await badge('completed');
    // finished: the duration is the record's and stays put
    const done = await duration.innerText();
    expect(done).not.toBe(first.duration);
  });

  it('says Reconnecting while the server does not answer, and Live again when it does', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.away' });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=hold`);
    await taskShows('hold', 'running');
    await page.locator('.stream', { hasText: 'Live' }).waitFor();
    const logState = page.locator('aside.task-panel .log-live');
    await logState.getByText('Following live').waitFor();
    await page.context().setOffline(true);
    try {
      h.server.server.closeAllConnections();
      await page.locator('.stream', { hasText: 'Reconnecting' }).waitFor();
      // the running task's log says so too
      await logState.getByText('Reconnecting').waitFor();
      expect(await page.locator('.stream').getAttribute('role')).toBe('status');
      const finished = new Promise<void>((resolve) => {
        const off = h.engine.bus.subscribe({ execution_id: run.id }, (event) => {
          if (event.event_type !== 'workflow_completed') return;
          off();
          resolve();
        });
      });
      away.open();
      await finished;
    } finally {
      await page.context().setOffline(false);
    }
    await page.locator('.stream', { hasText: 'Live' }).waitFor();
    // what happened while it was away arrives (the log follows no more: the execution finished)
    await taskShows('after', 'completed');
    await badge('completed');
  });

  it("leads from a core.workflow task to its child execution and back, and tells children apart in the list", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.parent' });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=call`);
    await badge('completed');
    await page.locator('aside.task-panel').getByRole('link', { name: 'child execution' }).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname).endsWith(`${run.id}:call#1`));
    await page.locator('h1', { hasText: 'audit.child' }).waitFor();
    await taskShows('work', 'completed');
    await page.getByRole('link', { name: run.id.slice(-8), exact: true }).click();
    await page.locator('h1', { hasText: 'audit.parent' }).waitFor();

    await page.goto(`${h.url}/ui/executions?workflow=audit.child`);
    // the child's own tail (':call#1') is every parent's; its parent's tail tells it apart
    await page.getByRole('link', { name: `${run.id.slice(-8)}:call#1`, exact: true }).waitFor();
  });

  it("links each fan-out item's child execution, a page of items at a time", async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.fanparent' });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=calls`);
    await badge('completed');
    const items = page.locator('aside.task-panel [aria-label="Items"]');
    await items.getByText('Items 1–100 of 105').waitFor();
    const rows = items.locator('li[data-item]');
    expect(await rows.count()).toBe(100);
    await items.locator('li[data-item="0"]').getByRole('link', { name: 'child execution of item 0' }).waitFor();
    await items.getByRole('button', { name: 'Next items' }).click();
    await items.getByText('Items 101–105 of 105').waitFor();
    expect(await rows.count()).toBe(5);
    await screenshot(page, 'execution-fanout-items');
    await items.locator('li[data-item="104"]').getByRole('link', { name: 'child execution of item 104' }).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname).endsWith(`${run.id}:calls:104#1`));
    await page.locator('h1', { hasText: 'audit.child' }).waitFor();
    await taskShows('work', 'completed');
    await page.getByRole('link', { name: run.id.slice(-8), exact: true }).click();
    await page.locator('h1', { hasText: 'audit.fanparent' }).waitFor();
  });

  it('reaches back through a long history a thousand events at a time, drawing data only when opened', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.fan' });
    await page.goto(`${h.url}/ui/executions/${run.id}`);
    await badge('completed');
    const total = (await client.getWorkflowStatus(run.id)).last_seq;
    expect(total).toBeGreaterThan(1100);
    const rows = page.locator('table.events tr[data-seq]');
    expect(await rows.count()).toBe(100);
    await page.getByRole('button', { name: 'Show 1,000 earlier' }).click();
    await page.getByText(`Showing the last 1,100 of ${total.toLocaleString('en-US')} events.`).waitFor();
    expect(await rows.count()).toBe(1100);
    // the data of a closed row is not in the page
    expect(await page.locator('table.events pre').count()).toBe(0);
    await page.getByRole('button', { name: `Show ${(total - 1100).toLocaleString('en-US')} earlier` }).click();
    await page.locator('table.events tr[data-seq="1"]').waitFor();
    expect(await rows.count()).toBe(total);
    const first = page.locator('table.events tr[data-seq="1"] summary');
    await first.click();
    await page.locator('table.events tr[data-seq="1"] pre', { hasText: '"workflow_ref": "audit.fan"' }).waitFor();
  });

  it('says a deep link names a task the execution does not have, offering no control for it', async () => {
    const run = await client.executeWorkflow({ workflow_ref: 'audit.child' });
    await page.goto(`${h.url}/ui/executions/${run.id}?task=wrok`);
    await badge('completed');
    const panel = page.locator('aside.task-panel');
    await panel.getByText('This execution has no task wrok').waitFor();
    expect(await panel.getByRole('button', { name: 'Rerun from here' }).count()).toBe(0);
    expect(await panel.getByText('pending').count()).toBe(0);
    await panel.getByRole('button', { name: 'Close the task panel' }).click();
    await page.waitForURL((url) => url.search === '');
  });

  it('asks for a new sign-in when the token of an open execution page is revoked', async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), 'harmonia-tokens-'));
    const tokenFile = join(tokenDir, 'tokens.json');
    // streams ask again at each keep-alive: a short one, so the revocation is seen at once
    const guarded = await openServer({ server: { tokens: 'admin-tok', token_file: tokenFile, sse_keepalive_seconds: 0.1 } });
    const reader = await openPage(browser);
    try {
      const started = await guarded.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.slow' }, token: 'admin-tok' });
      const { token, record } = createToken(tokenFile, { scopes: ['read'] });
      await reader.goto(`${guarded.url}/ui/executions/${started.body.execution_id}`);
      await reader.getByLabel('API token').fill(token);
      await reader.getByRole('button', { name: 'Sign in' }).click();
      await reader.locator('.stream', { hasText: 'Live' }).waitFor();
      revokeToken(tokenFile, record.id);
      await reader.getByRole('button', { name: 'Sign in again' }).waitFor();
      expect(await reader.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
      await guarded.call('POST', `/api/v1/executions/${started.body.execution_id}/terminate`, { token: 'admin-tok' });
    } finally {
      await reader.context().close();
      await guarded.close();
      rmSync(tokenDir, { recursive: true, force: true });
    }
  });

  it('never scrolls sideways at phone width: the menu wraps, wide tables scroll inside themselves', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 800 } });
    try {
      const run = await client.executeWorkflow({ workflow_ref: 'audit.child' });
      for (const path of ['/ui/executions', '/ui/workflows', `/ui/executions/${run.id}?task=work`]) {
        await phone.goto(`${h.url}${path}`);
        await phone.locator('table.list').first().waitFor();
        expect(await phone.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(390);
      }
    } finally {
      await phone.close();
    }
    expect(pageErrors(page)).toEqual([]);
  });
});
