/**
 * Diagnostics at their source lines, in a real browser against a real server: a pack's
 * validation links each workflow diagnostic to the workflow's source, where it is drawn
 * under its line when the pack folder's file is the text shown, and listed above the
 * source, saying so, when the file on disk has changed since it was registered.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../integration/server/server-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

// core.shell with ${...} spliced into the command: a warning, so the file registers and still has a diagnostic
const GREET = [
  'version: 1.0.0',
  'input:',
  '  name: { type: string, default: world }',
  'tasks:',
  '  say:',
  '    action: core.shell',
  '    input:',
  '      command: "echo hello ${input.name}"',
  '      shell: true',
  '',
].join('\n');

let h: ServerHarness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await openServer({ files: { 'demo/workflows/greet.yaml': GREET } });
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const validateDemo = async () => {
  await page.goto(`${h.url}/ui/packs`);
  await page.locator('tr', { hasText: 'demo' }).getByRole('button', { name: 'Validate' }).click();
  const item = page.locator('ul.diagnostics li', { hasText: 'SHELL_COMMAND_INTERPOLATION' });
  await item.waitFor();
  return item;
};

describe('the console (diagnostics at their lines)', { timeout: 60_000 }, () => {
  it("draws a validation's diagnostic under its line when the pack folder's file is the version shown", async () => {
    const item = await validateDemo();
    expect(await item.textContent()).toMatch(/greet\.yaml:8:\d+/);
    await item.getByRole('link', { name: 'show at its line' }).click();
    const under = page.locator('tr.line-diagnostics');
    await under.waitFor();
    expect(page.url()).toBe(`${h.url}/ui/workflows/demo.greet?tab=source&validate=1`);
    expect(await under.getAttribute('data-line')).toBe('8');
    expect(await under.textContent()).toContain('SHELL_COMMAND_INTERPOLATION');
    expect(await page.locator('tr#L8').textContent()).toContain('command: "echo hello ${input.name}"');
    expect(await page.locator('tr#L8 .gutter-marker').count()).toBe(1);
    expect(await page.locator('tr.line-diagnostics').count()).toBe(1);
    const summary = page.getByRole('region', { name: 'Validation of the pack folder' });
    expect(await summary.textContent()).toContain('shown at its line below');
    expect(await summary.locator('ul.diagnostics').count()).toBe(0);
    await screenshot(page, 'workflow-source-inline-diagnostics');
  });

  it('lists them above the source, saying the text differs, once the file on disk has changed', async () => {
    const file = join(h.packsDir, 'demo/workflows/greet.yaml');
    writeFileSync(file, `# greets someone\n# (edited after the sync)\n${readFileSync(file, 'utf8')}`);
    const item = await validateDemo();
    expect(await item.textContent()).toMatch(/greet\.yaml:10:\d+/);
    await item.getByRole('link', { name: 'show at its line' }).click();
    const summary = page.getByRole('region', { name: 'Validation of the pack folder' });
    await summary.locator('ul.diagnostics li', { hasText: 'SHELL_COMMAND_INTERPOLATION' }).waitFor();
    expect(await summary.textContent()).toContain('differs from v1 shown below');
    expect(await page.locator('tr.line-diagnostics').count()).toBe(0);
    await page.locator('tr#L8').waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});
