/**
 * `harmonia execution tasks|status --url`: the task table keeps one row per task, however
 * many lines a task's error has, and fits an 80-column terminal (COLUMNS, or the
 * terminal's own width) by cutting the error, never the columns before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/index.js';
import { openServer, type ServerHarness } from '../server/server-harness.js';
import { waitForEvent } from '../server/wait-for-event.js';
import { assertBuilt, ROOT, runCli } from './cli-harness.js';

let h: ServerHarness;
let id = '';

beforeAll(async () => {
  assertBuilt();
  h = await openServer({
    files: {
      'demo/workflows/multi.yaml': [
        'version: 1.0.0',
        'tasks:',
        '  prepare_release_notes:',
        '    action: core.shell',
        '    input:',
        '      command: \'echo "no disk" >&2; echo "no net" >&2; exit 1\'',
        '      shell: true',
        '',
      ].join('\n'),
    },
  });
  await h.call('POST', '/api/v1/packs/demo/workflows/sync');
  id = (await createClient({ baseUrl: h.url }).executeWorkflow({ workflow_ref: 'demo.multi' })).id;
  await waitForEvent(h.engine, id, (e) => e.event_type === 'workflow_failed');
});

afterAll(async () => {
  await h?.close();
});

describe('the task table of `harmonia execution`', () => {
  it('keeps a multi-line error on its task row, its line breaks shown as ⏎', async () => {
    const run = await runCli(['execution', 'tasks', id, '--url', h.url], { cwd: ROOT, env: { COLUMNS: undefined } });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^prepare_release_notes  failed\s+1\s+\S+  ACTION_FAILED: .*no disk⏎no net$/);
  });

  it('fits 80 columns when COLUMNS says so, cutting only the error', async () => {
    for (const command of ['tasks', 'status']) {
      const run = await runCli(['execution', command, id, '--url', h.url], { cwd: ROOT, env: { COLUMNS: '80' } });
      expect(run.code).toBe(0);
      const table = run.stdout.slice(run.stdout.indexOf('TASK'));
      const lines = table.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
      expect(lines[1]).toMatch(/^prepare_release_notes  failed\s+1\s+\S+  ACTION_FAILED: .*…$/);
    }
  });
});
