/** `harmonia schedule ...` and the SDK's schedule methods against a real server (in-process CLI, real HTTP). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient, NotFoundError } from '../../../src/client/index.js';
import { openServer, type ServerHarness } from '../server/server-harness.js';

class Buffer implements OutputStream {
  text = '';
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const NIGHTLY = [
  'version: 1.0.0',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  nightly:',
  '    schedule: { cron: "0 2 * * *", overlap: allow_all }',
  '',
].join('\n');

// A schedule whose input the workflow refuses: every fire of it fails.
const REFUSED = [
  'version: 1.0.0',
  'input:',
  '  n: { type: integer, required: true }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  hourly:',
  '    schedule: { cron: "0 * * * *", overlap: allow_all }',
  '',
].join('\n');

let h: ServerHarness;
let cwd: string;
beforeAll(async () => {
  h = await openServer({ files: { 'demo/workflows/backup.yaml': NIGHTLY, 'demo/workflows/refused.yaml': REFUSED } });
  cwd = mkdtempSync(join(tmpdir(), 'harmonia-schedule-cli-'));
});
afterAll(async () => {
  await h.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Buffer();
  const stderr = new Buffer();
  const ctx = createCliContext({ env: { NO_COLOR: '1' }, cwd, stdout, stderr });
  const program = createProgram(ctx);
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync([...args, '--url', h.url], { from: 'user' });
    return { code: ctx.exitCode, stdout: stdout.text, stderr: stderr.text };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, stdout: stdout.text, stderr: stderr.text };
    throw error;
  }
}

describe('harmonia schedule', () => {
  it('lists schedules as a table', async () => {
    const result = await run(['schedule', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^SCHEDULE\s+WHEN\s+OVERLAP\s+STATE\s+NEXT\s+LAST\n/);
    expect(result.stdout).toMatch(/demo\.backup\/nightly\s+cron 0 2 \* \* \*\s+allow_all\s+active\s+\d{4}-\d\d-\d\dT02:00:00\.000Z\s+-/);
  });

  it('shows the next five fire times, and JSON with --json', async () => {
    const text = await run(['schedule', 'show', 'demo.backup/nightly']);
    expect(text.stdout.match(/T02:00:00\.000Z/g)).toHaveLength(5);
    const json = await run(['schedule', 'show', 'demo.backup/nightly', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'demo.backup/nightly', overlap: 'allow_all', recent_fires: [] });
  });

  it('pauses with a note and resumes', async () => {
    expect((await run(['schedule', 'pause', 'demo.backup/nightly', '--note', 'db move'])).stdout).toBe('demo.backup/nightly: paused: db move\n');
    expect((await run(['schedule', 'resume', 'demo.backup/nightly'])).stdout).toMatch(/^demo\.backup\/nightly: active, next \S+T02:00:00\.000Z\n$/);
  });

  it('triggers now and backfills a range, each time once', async () => {
    const fired = JSON.parse((await run(['schedule', 'trigger', 'demo.backup/nightly', '--json'])).stdout) as { status: string; reason: string };
    expect(fired).toMatchObject({ status: 'started', reason: 'manual' });
    const first = await run(['schedule', 'backfill', 'demo.backup/nightly', '--from', '2026-02-01T00:00:00Z', '--to', '2026-02-03T23:59:59Z']);
    expect(first.stderr).toBe('3 fired, 0 already fired before\n');
    expect(first.stdout.match(/backfill\s+started/g)).toHaveLength(3);
    const again = await run(['schedule', 'backfill', 'demo.backup/nightly', '--from', '2026-02-01T00:00:00Z', '--to', '2026-02-03T23:59:59Z']);
    expect(again.stderr).toBe('0 fired, 3 already fired before\n');
  });

  it('exits 1 when the fire it asked for failed (the workflow refused the input), as a refused webhook delivery answers 422', async () => {
    const now = await run(['schedule', 'trigger', 'demo.refused/hourly']);
    expect(now.stdout).toMatch(/manual\s+failed\s+-\s+input 'n' is required/);
    expect(now.code).toBe(1);
    const backfill = await run(['schedule', 'backfill', 'demo.refused/hourly', '--from', '2026-02-01T00:00:00Z', '--to', '2026-02-01T01:00:00Z']);
    expect(backfill.stdout.match(/backfill\s+failed/g)).toHaveLength(2);
    expect(backfill.stderr).toBe('2 fired (2 failed), 0 already fired before\n');
    expect(backfill.code).toBe(1);
  });

  it("lists a trigger's fires a page at a time, newest first, and exits 1 for an unknown trigger", async () => {
    await run(['schedule', 'backfill', 'demo.backup/nightly', '--from', '2026-04-01T00:00:00Z', '--to', '2026-04-03T23:59:59Z']);
    const all = JSON.parse((await run(['schedule', 'fires', 'demo.backup/nightly', '--json'])).stdout) as { total: number; items: { scheduled_at: string }[] };
    const times = all.items.map((f) => f.scheduled_at);
    expect(times).toEqual([...times].sort().reverse());
    const index = times.indexOf('2026-04-03T02:00:00.000Z');
    const page = await run(['schedule', 'fires', 'demo.backup/nightly', '--limit', '2', '--offset', String(index)]);
    expect(page.code).toBe(0);
    expect(page.stdout).toMatch(/^SCHEDULED\s+REASON\s+STATUS\s+EXECUTION\s+DETAIL\n2026-04-03T02:00:00\.000Z\s+backfill\s+started\s+\S+\n2026-04-02T02:00:00\.000Z\s+backfill\s+started/);
    expect(page.stderr).toBe(`(${index + 1}-${index + 2} of ${all.total}; use --limit and --offset)\n`);
    const unknown = await run(['schedule', 'fires', 'demo.backup/weekly']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no trigger 'weekly' on workflow 'demo.backup' (TRIGGER_NOT_FOUND, HTTP 404)");
  });

  it("lists one workflow's schedules with --workflow", async () => {
    const result = await run(['schedule', 'list', '--workflow', 'demo.refused']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^SCHEDULE.*\ndemo\.refused\/hourly\s/);
    expect(result.stdout).not.toContain('demo.backup');
  });

  it('exits 1 naming an unknown schedule, 2 for a bad --overlap', async () => {
    const unknown = await run(['schedule', 'show', 'demo.backup/weekly']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no schedule 'weekly' on workflow 'demo.backup' (SCHEDULE_NOT_FOUND, HTTP 404)");
    const bad = await run(['schedule', 'trigger', 'demo.backup/nightly', '--overlap', 'queue']);
    expect(bad.code).toBe(2);
  });
});

describe('HarmoniaClient schedules', () => {
  it('lists, gets and pauses through the SDK, with NotFoundError for an unknown schedule', async () => {
    const client = createClient({ baseUrl: h.url });
    const list = await client.listSchedules();
    expect(list.items.map((s) => s.id)).toEqual(['demo.backup/nightly', 'demo.refused/hourly']);
    expect((await client.getSchedule('demo.backup/nightly')).next_fire_times).toHaveLength(5);
    expect(await client.pauseSchedule('demo.backup/nightly', { note: 'sdk' })).toMatchObject({ paused: true, note: 'sdk' });
    expect(await client.resumeSchedule('demo.backup/nightly')).toMatchObject({ paused: false });
    await expect(client.getSchedule('demo.nope/x')).rejects.toBeInstanceOf(NotFoundError);
  });
});
