import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliContext, type OutputStream } from '../../../src/cli/cli-context.js';
import { createProgram } from '../../../src/cli/main.js';
import { createClient } from '../../../src/client/client.js';
import type { ErrorResponse, EventsPage, ExecutionView } from '../../../src/core/wire.js';
import { openServer, registerDirect, workflowBody, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
let id = '';
let total = 0;

// enough independent no-op tasks for more events than one default page (1000) holds
const TASKS = 600;

beforeAll(async () => {
  h = await openServer();
  await registerDirect(h.store, 'wide.many', workflowBody(Array.from({ length: TASKS }, (_, i) => ({ id: `t${i}` }))));
  const res = await h.call<ExecutionView>('POST', '/api/v1/executions', { json: { workflow_ref: 'wide.many' } });
  expect(res.status).toBe(201);
  id = res.body.execution_id;
  await h.engine.waitForCompletion(id);
  total = (await h.engine.readEvents(id)).length;
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('GET /api/v1/executions/:id/events', () => {
  it('holds more than one default page of events in the execution under test', () => {
    expect(total).toBeGreaterThan(1000);
  });

  it('answers at most 1000 events by default and says there are more', async () => {
    const res = await h.call<EventsPage>('GET', `/api/v1/executions/${id}/events`);
    expect(res.body.events).toHaveLength(1000);
    expect(res.body).toMatchObject({ has_more: true, last_seq: res.body.events.at(-1)?.seq });
  });

  it('pages with limit and after_seq=last_seq until has_more is false, missing no event', async () => {
    const seqs: number[] = [];
    let after = 0;
    for (;;) {
      const res = await h.call<EventsPage>('GET', `/api/v1/executions/${id}/events?after_seq=${after}&limit=500`);
      expect(res.body.events.length).toBeLessThanOrEqual(500);
      seqs.push(...res.body.events.map((e) => e.seq));
      if (!res.body.has_more) break;
      after = res.body.last_seq;
    }
    expect(seqs).toHaveLength(total);
    expect(new Set(seqs).size).toBe(total);
  });

  it('answers the last page with has_more false and last_seq at its last event', async () => {
    const res = await h.call<EventsPage>('GET', `/api/v1/executions/${id}/events?after_seq=${total - 2}&limit=10`);
    expect(res.body).toMatchObject({ has_more: false, last_seq: total });
    expect(res.body.events.map((e) => e.seq)).toEqual([total - 1, total]);
  });

  it.each(['0', '10001', '1e3', '5.0', ' 5', 'abc'])("refuses limit='%s' with 400 REQUEST_INVALID", async (limit) => {
    const res = await h.call<ErrorResponse>('GET', `/api/v1/executions/${id}/events?limit=${encodeURIComponent(limit)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('REQUEST_INVALID');
  });
});

describe('HarmoniaClient.listEvents()', () => {
  it('follows every page when no limit is given', async () => {
    const page = await createClient({ baseUrl: h.url }).listEvents(id);
    expect(page.events).toHaveLength(total);
    expect(page).toMatchObject({ has_more: false, last_seq: total });
  });

  it('returns one page when a limit is given', async () => {
    const page = await createClient({ baseUrl: h.url }).listEvents(id, { afterSeq: 10, limit: 5 });
    expect(page.events.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
    expect(page.has_more).toBe(true);
  });
});

class Output implements OutputStream {
  text = '';
  readonly isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe('harmonia execution events', () => {
  it('prints every event across pages', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'harmonia-events-cli-'));
    const stdout = new Output();
    const ctx = createCliContext({ env: { NO_COLOR: '1' }, cwd, stdout, stderr: new Output() });
    const program = createProgram(ctx);
    const override = (cmd: Command): void => {
      cmd.exitOverride();
      cmd.commands.forEach(override);
    };
    override(program);
    try {
      await program.parseAsync(['execution', 'events', id, '--json', '--url', h.url], { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const page = JSON.parse(stdout.text) as EventsPage;
    expect(page.events).toHaveLength(total);
  });
});
