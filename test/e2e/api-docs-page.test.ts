/**
 * /docs in a real browser under the headers it is served with: its one inline script runs
 * (allowed by hash), an injected one would not, and no other site may frame it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors } from './browser.js';

let h: ServerHarness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([openServer(), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the API docs page', () => {
  it('is served so that only its own script runs, never sniffed or framed', async () => {
    const res = await fetch(`${h.url}/docs`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('renders every operation of /openapi.json in the browser with the policy on', async () => {
    const page = await openPage(browser);
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) refusals.push(message.text());
    });
    await page.goto(`${h.url}/docs`);
    await page.locator('details.op').first().waitFor();
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(await page.locator('details.op').count()).toBe(operations);
    expect(await page.locator('#title').textContent()).toMatch(/^Harmonia API /);
    expect(refusals).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    // A script the page did not ship (as an injection would add) is refused by the policy.
    const ran = await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      return window.injected === true;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => refusals.length).toBe(1);
  });
});
