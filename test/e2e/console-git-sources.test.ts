/**
 * The Monitor's git panel on a server following two git sources that both hold one pack:
 * every source is shown with its state, and the pack they both hold is called out.
 * Needs `npm run build` (the console is served from dist/console).
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { serveHarmonia, type ServedHarmonia } from '../../src/server/serve.js';
import { assertBuilt } from '../integration/cli/cli-harness.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../integration/gitops/git-fixture.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

let platform: GitFixture;
let data: GitFixture;
let server: ServedHarmonia;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  platform = createGitFixture();
  data = createGitFixture();
  platform.write('packs/ops/pack.yaml', packYaml('ops'));
  platform.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy'));
  platform.commit('ops');
  data.write('packs/etl/pack.yaml', packYaml('etl'));
  data.write('packs/etl/workflows/load.yaml', workflowYaml('etl load'));
  data.write('packs/ops/pack.yaml', packYaml('ops'));
  data.write('packs/ops/workflows/deploy.yaml', workflowYaml('ops deploy from data'));
  data.commit('etl, and ops too');
  const sources = [
    { name: 'platform', url: platform.url, poll_interval: 0 },
    { name: 'data', url: data.url, poll_interval: 0 },
  ];
  const config = resolveConfig(
    { port: 0, host: '127.0.0.1' },
    { HARMONIA_DATA_DIR: platform.dataDir, HARMONIA_PACKS_DIR: join(platform.root, 'unused'), HARMONIA_GIT_SOURCES: JSON.stringify(sources) },
  );
  server = await serveHarmonia({ config, store: platform.store, env: { PATH: process.env.PATH, HOME: process.env.HOME }, version: '9.9.9-test', logger: pino({ level: 'silent' }) });
  browser = await launchBrowser();
  page = await openPage(browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await data?.cleanup();
  await platform?.cleanup();
}, 60_000);

describe('the console (several git sources)', { timeout: 60_000 }, () => {
  it('shows every source in the Monitor, and the pack two sources hold', async () => {
    await page.goto(`${server.url}/ui/monitor`);
    const platformPanel = page.getByRole('region', { name: 'Git source platform' });
    const dataPanel = page.getByRole('region', { name: 'Git source data' });
    await platformPanel.waitFor();
    await dataPanel.waitFor();
    expect(await platformPanel.getByRole('heading').textContent()).toContain('OutOfSync');
    const alert = dataPanel.getByRole('alert', { name: 'Packs in several sources' });
    expect(await alert.textContent()).toContain("Pack ops is in 'data' and 'platform'");
    expect(await dataPanel.textContent()).toMatch(/\d+ of \d+ definitions synced/);
    await screenshot(page, 'monitor-git-sources');
    expect(pageErrors(page)).toEqual([]);
  });
});
