/**
 * Schedules in the console, in a real browser against a real server (no tokens, loopback,
 * so admin): the list, a schedule's next five times, pause with a note and resume,
 * trigger now (and the execution saying which trigger started it), and a backfill.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../src/client/index.js';
import { openServer, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

const HOURLY = [
  'version: 1.0.0',
  'input:',
  '  mode: { type: string, required: true }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  hourly:',
  '    schedule: { cron: "0 * * * *", timezone: Europe/Paris, input: { mode: full }, overlap: allow_all }',
  '',
].join('\n');

let h: ServerHarness;
let browser: Browser;
let page: Page;
let client: HarmoniaClient;

beforeAll(async () => {
  h = await openServer({ files: { 'demo/workflows/hourly.yaml': HOURLY } });
  client = createClient({ baseUrl: h.url });
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A `datetime-local` value for an ISO time, in the browser's (this machine's) time zone. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('the console (schedules)', { timeout: 60_000 }, () => {
  it('lists the schedules with their cadence, state and next fire, linked from the workflow', async () => {
    await page.goto(`${h.url}/ui/workflows/demo.hourly`);
    await page.getByRole('link', { name: 'schedules', exact: true }).click();
    const row = page.locator('tr[data-schedule="demo.hourly/hourly"]');
    await row.waitFor();
    expect(page.url()).toBe(`${h.url}/ui/schedules?workflow=demo.hourly`);
    await page.getByRole('heading', { name: 'Schedules of demo.hourly' }).waitFor();
    expect(await row.textContent()).toContain('cron 0 * * * * (Europe/Paris)');
    expect(await row.locator('.badge').textContent()).toBe('Active');
    expect(await row.textContent()).toContain('never');
    await screenshot(page, 'schedules');
  });

  it('shows the next five fire times, pauses with a note (no more fire times) and resumes', async () => {
    await page.locator('tr[data-schedule="demo.hourly/hourly"]').getByRole('link', { name: 'hourly', exact: true }).click();
    const next = page.locator('ol.next-fires time');
    await next.nth(4).waitFor();
    expect(page.url()).toBe(`${h.url}/ui/schedules/demo.hourly/hourly`);
    const server = await client.getSchedule('demo.hourly/hourly');
    expect(await next.evaluateAll((els) => els.map((e) => e.getAttribute('datetime')))).toEqual(server.next_fire_times);

    await page.getByLabel('Pause note').fill('maintenance');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('h1 .badge', { hasText: 'Paused' }).waitFor();
    await page.getByText('Paused: maintenance').waitFor();
    await page.getByText('None while paused.').waitFor();
    expect(await client.getSchedule('demo.hourly/hourly')).toMatchObject({ paused: true, note: 'maintenance' });

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('h1 .badge', { hasText: 'Active' }).waitFor();
    await next.nth(4).waitFor();
    expect((await client.getSchedule('demo.hourly/hourly')).paused).toBe(false);
  });

  it('triggers now; the execution says which trigger and scheduled time started it', async () => {
    await page.getByRole('button', { name: 'Trigger now' }).click();
    await page.getByRole('status').getByText('Triggered: started.').waitFor();
    const fire = (await client.getSchedule('demo.hourly/hourly')).last_fire;
    expect(fire).toMatchObject({ reason: 'manual', status: 'started' });
    await page.locator('table[aria-label="Fires"] td', { hasText: 'manual' }).waitFor();

    await page.getByRole('link', { name: 'Open the execution' }).click();
    const by = page.locator('dd[data-trigger="demo.hourly/hourly"]');
    await by.waitFor();
    expect(await by.textContent()).toContain('(manual)');
    expect(await by.locator('time').getAttribute('datetime')).toBe(fire!.scheduled_at);
    await screenshot(page, 'execution-started-by-trigger');
    expect(page.url()).toBe(`${h.url}/ui/executions/${fire!.execution_id}`);
    await by.getByRole('link', { name: 'demo.hourly/hourly' }).click();
    await page.locator('ol.next-fires time').nth(4).waitFor();
    expect(page.url()).toBe(`${h.url}/ui/schedules/demo.hourly/hourly`);
  });

  it('backfills a past range once, then reports the times as already fired', async () => {
    const from = '2026-03-01T00:00:00.000Z';
    const to = '2026-03-01T02:30:00.000Z';
    await page.getByLabel('From').fill(localInput(from));
    await page.getByLabel('To').fill(localInput(to));
    await page.getByRole('button', { name: 'Backfill', exact: true }).click();
    const result = page.locator('table[aria-label="Backfilled fires"] time');
    await result.nth(2).waitFor();
    expect(await result.evaluateAll((els) => els.map((e) => e.getAttribute('datetime')))).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T01:00:00.000Z',
      '2026-03-01T02:00:00.000Z',
    ]);
    await page.getByText('Backfill: 3 fired.').waitFor();
    await screenshot(page, 'schedule-detail');

    await page.getByRole('button', { name: 'Backfill', exact: true }).click();
    await page.getByText(/Backfill: 0 fired, 3 already fired before/).waitFor();
  });

  it('pages through every fire, the older ones a link away', async () => {
    await client.backfillSchedule('demo.hourly/hourly', { from: '2026-04-01T00:00:00Z', to: '2026-04-01T23:00:00Z' });
    const total = (await client.listTriggerFires('demo.hourly/hourly')).total;
    expect(total).toBeGreaterThan(20);
    await page.goto(`${h.url}/ui/schedules/demo.hourly/hourly`);
    const times = page.locator('table[aria-label="Fires"] time');
    await times.nth(19).waitFor();
    expect(await times.count()).toBe(20);
    await page.getByText(`1–20 of ${total}`).waitFor();
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText(`21–${total} of ${total}`).waitFor();
    expect(page.url()).toBe(`${h.url}/ui/schedules/demo.hourly/hourly?fires=20`);
    // the oldest fire of all, the first backfilled time, is on the last page
    expect(await times.evaluateAll((els) => els.map((e) => e.getAttribute('datetime')))).toContain('2026-03-01T00:00:00.000Z');
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText(`1–20 of ${total}`).waitFor();
    // a link past the last page says so instead of "No fires yet", and leads back
    await page.goto(`${h.url}/ui/schedules/demo.hourly/hourly?fires=5000`);
    await page.getByText(`No fires this far back (${total} in all).`).waitFor();
    await page.getByRole('button', { name: 'Newest fires' }).click();
    await page.getByText(`1–20 of ${total}`).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('keeps the list and a schedule page current while open: a pause and a fire made elsewhere show up without a reload', async () => {
    await page.goto(`${h.url}/ui/schedules`);
    const row = page.locator('tr[data-schedule="demo.hourly/hourly"]');
    await row.locator('.badge', { hasText: 'Active' }).waitFor();
    await client.pauseSchedule('demo.hourly/hourly', { note: 'elsewhere' });
    await row.locator('.badge', { hasText: 'Paused' }).waitFor();
    await client.resumeSchedule('demo.hourly/hourly');

    await page.goto(`${h.url}/ui/schedules/demo.hourly/hourly`);
    await page.locator('ol.next-fires time').nth(4).waitFor();
    const fire = await client.triggerSchedule('demo.hourly/hourly');
    await page.locator(`table[aria-label="Fires"] time[datetime="${fire.scheduled_at}"]`).waitFor();
    expect(page.url()).toBe(`${h.url}/ui/schedules/demo.hourly/hourly`);
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a read-only token the schedule without its controls', async () => {
    const guarded = await openServer({ files: { 'demo/workflows/hourly.yaml': HOURLY }, server: { tokens: 'admin-tok,reader-tok:read' } });
    const reader = await openPage(browser);
    try {
      await reader.goto(`${guarded.url}/ui/schedules/demo.hourly/hourly`);
      await reader.getByLabel('API token').fill('reader-tok');
      await reader.getByRole('button', { name: 'Sign in' }).click();
      await reader.locator('ol.next-fires time').nth(4).waitFor();
      await reader.getByText('(read-only)').waitFor();
      expect(await reader.getByRole('toolbar', { name: 'Schedule controls' }).count()).toBe(0);
      expect(await reader.getByRole('button', { name: /Pause|Resume|Trigger now|Backfill/ }).count()).toBe(0);
      expect(pageErrors(reader)).toEqual([]);
    } finally {
      await reader.context().close();
      await guarded.close();
    }
  });

  it('shows the server refusing a reversed range with its code', async () => {
    await page.getByLabel('From').fill(localInput('2026-03-02T00:00:00.000Z'));
    await page.getByLabel('To').fill(localInput('2026-03-01T00:00:00.000Z'));
    await page.getByRole('button', { name: 'Backfill', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('code').textContent()).toBe('SCHEDULE_RANGE_INVALID');
    expect(pageErrors(page)).toEqual([]);
  });
});
