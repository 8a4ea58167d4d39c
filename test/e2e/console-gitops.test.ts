/**
 * The console against a server following a git repository with API tokens: sign in
 * with a token, roll a workflow back to an earlier version, see a refused commit in the
 * Monitor, and a read-only token sees no controls.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidWorkflowYaml, workflowYaml } from '../integration/gitops/git-fixture.js';
import { openGitServer, READER, TOKEN, type GitServer } from '../integration/server/git-harness.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './browser.js';

let g: GitServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  g = await openGitServer();
  g.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
  g.repo.commit('ops: second deploy');
  expect((await g.call('POST', '/api/v1/git/sync')).status).toBe(200);
  browser = await launchBrowser();
  page = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await g?.close();
});

async function signIn(target: Page, token: string): Promise<void> {
  await target.getByLabel('API token').fill(token);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

describe('the console (git, tokens)', { timeout: 60_000 }, () => {
  it('asks for a token, refuses a wrong one, and keeps the right one for the tab', async () => {
    await page.goto(`${g.url}/ui/workflows`);
    await page.getByRole('heading', { name: 'Sign in to Harmonia' }).waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, 'not-a-token');
    await page.getByRole('alert').getByText('invalid bearer token').waitFor();
    await signIn(page, TOKEN);
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    // the deep link survives the sign-in and a reload keeps the session
    await page.getByRole('link', { name: 'ops.deploy' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'ops.deploy' }).waitFor();
    // evaluated in the page, where sessionStorage exists (this file is typed for node)
    const stored = await page.evaluate("sessionStorage.getItem('harmonia.token')");
    expect(stored).toBe(TOKEN);
  });

  it('rolls a workflow back to an earlier version and shows it pinned', async () => {
    await page.getByRole('link', { name: 'ops.deploy' }).click();
    await page.getByRole('navigation', { name: 'Workflow views' }).getByRole('link', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Diff with active' }).click();
    await page.locator('pre.diff .add', { hasText: 'second' }).first().waitFor();
    await screenshot(page, 'workflow-versions');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByText('Rolled back from v2 to v1; pinned until unpinned.').waitFor();
    await page.locator('h1 .badge', { hasText: 'Pinned' }).first().waitFor();
    const history = await g.call<{ active_version: number; pinned: boolean }>('GET', '/api/v1/workflows/ops.deploy/history');
    expect(history.body).toMatchObject({ active_version: 1, pinned: true });
    await screenshot(page, 'workflow-rolled-back');
  });

  it("lists a failing commit's diagnostics with the workflow's source", async () => {
    // a pinned workflow reports its pin, not the sync's problems: unpin first
    expect((await g.call('POST', '/api/v1/workflows/ops.deploy/unpin')).status).toBe(200);
    g.repo.write('packs/ops/workflows/deploy.yaml', invalidWorkflowYaml());
    const bad = g.repo.commit('ops: depend on a task that does not exist');
    const sync = await g.call<{ outcome: string }>('POST', '/api/v1/git/sync');
    expect(sync.status).toBe(200);
    await page.goto(`${g.url}/ui/workflows/ops.deploy?tab=source`);
    const problems = page.getByRole('alert', { name: 'Sync problems' });
    await problems.waitFor();
    const text = (await problems.textContent()) ?? '';
    expect(text).toContain(bad.slice(0, 12));
    expect(text).toContain('missing_task');
    expect(text).toMatch(/deploy\.yaml:\d+:\d+/);
    // the commit's file is not the text shown: listed, not drawn on the active version's lines
    expect(text).toContain('differs from v');
    expect(await page.locator('tr.line-diagnostics').count()).toBe(0);
    await screenshot(page, 'workflow-source-diagnostics');
  });

  it('shows a refused commit in the Monitor', async () => {
    g.repo.remove('packs');
    const refused = g.repo.commit('oops, empty tree');
    expect((await g.call('POST', '/api/v1/git/sync')).status).toBe(409);
    await page.getByRole('link', { name: 'Monitor' }).click();
    const alert = page.getByRole('alert', { name: 'Refused commit' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(refused.slice(0, 12));
    expect(await alert.textContent()).toContain('PACK_SYNC_REFUSED');
    await screenshot(page, 'monitor-git-refused');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a read-only token no controls', async () => {
    const run = await g.call<{ id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'ops.deploy' } });
    expect(run.status).toBe(201);
    const reader = await openPage(browser, { colorScheme: 'dark' });
    await reader.goto(`${g.url}/ui/executions/${run.body.id}`);
    await signIn(reader, READER);
    await reader.locator('.dag-node[data-task="hello"][data-status="completed"]').waitFor();
    await reader.getByText('(read-only)').waitFor();
    expect(await reader.getByRole('toolbar', { name: 'Execution controls' }).count()).toBe(0);
    expect(await reader.getByRole('button', { name: 'Create checkpoint' }).count()).toBe(0);
    await screenshot(reader, 'execution-read-only-dark');
    // a finished execution's task offers a writer Rerun from here; a reader sees the task without it
    await reader.locator('.dag-node[data-task="hello"]').click();
    await reader.locator('aside.task-panel').getByRole('heading', { name: 'Attempts' }).waitFor();
    expect(await reader.getByRole('button', { name: 'Rerun from here' }).count()).toBe(0);
    expect(await reader.getByRole('toolbar', { name: /Controls of task/ }).count()).toBe(0);
    await reader.goto(`${g.url}/ui/workflows/ops.deploy?tab=versions`);
    await reader.getByRole('button', { name: 'Diff with active' }).waitFor();
    expect(await reader.getByRole('button', { name: 'Run' }).count()).toBe(0);
    expect(await reader.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    expect(await reader.getByRole('button', { name: 'Unpin' }).count()).toBe(0);
    await reader.getByRole('button', { name: 'Sign out' }).click();
    await reader.getByRole('heading', { name: 'Sign in to Harmonia' }).waitFor();
    expect(await reader.evaluate("sessionStorage.getItem('harmonia.token')")).toBeNull();
    expect(pageErrors(reader)).toEqual([]);
  });
});
