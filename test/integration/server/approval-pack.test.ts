/**
 * The example pack packs/approvals runs end to end on a real server: the source design's
 * approval template is instantiated with its parameters, notifies the approver, waits for
 * a decision and takes the branch of approve, reject or expiry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type HarmoniaClient } from '../../../src/client/index.js';
import type { EventOf, ExecutionEvent } from '../../../src/core/events.js';
import { openServer, type ServerHarness } from './server-harness.js';

const PACK = join(import.meta.dirname, '../../../packs/approvals');

function packFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[join('approvals', relative(PACK, path))] = readFileSync(path, 'utf8');
    }
  };
  walk(PACK);
  return files;
}

let h: ServerHarness;
let client: HarmoniaClient;
beforeAll(async () => {
  h = await openServer({ files: packFiles() });
  client = createClient({ baseUrl: h.url });
  expect((await h.call('POST', '/api/v1/packs/approvals/workflows/sync')).status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

async function instantiate(parameters: Record<string, unknown>, name: string): Promise<string> {
  const res = await h.call<{ workflow_id: string }>('POST', '/api/v1/templates/approvals.approval_process/instantiate', { json: { parameter_values: parameters, name } });
  expect(res.status, res.text).toBe(201);
  return res.body.workflow_id;
}

function waitingFor(id: string): Promise<ExecutionEvent> {
  return new Promise((resolve) => {
    const off = h.engine.bus.subscribe({}, (event) => {
      if (event.execution_id === id && event.event_type === 'task_waiting') {
        off();
        resolve(event);
      }
    });
  });
}

async function start(workflowId: string): Promise<{ id: string; waiting: Promise<EventOf<'task_waiting'>> }> {
  let resolveId!: (id: string) => void;
  const idKnown = new Promise<string>((resolve) => (resolveId = resolve));
  // Subscribed before the start: the wait may begin before the start's answer arrives.
  const waiting = new Promise<EventOf<'task_waiting'>>((resolve) => {
    const off = h.engine.bus.subscribe({}, (event) => {
      if (event.event_type !== 'task_waiting') return;
      void idKnown.then((id) => {
        if (event.execution_id === id) {
          off();
          resolve(event);
        }
      });
    });
  });
  const run = await client.executeWorkflow({ workflow_id: workflowId });
  resolveId(run.execution_id);
  return { id: run.execution_id, waiting };
}

describe('the approval example pack', () => {
  it('notifies the approver, waits, and takes the approved branch', async () => {
    const workflowId = await instantiate({ approver_email: 'manager@example.com', item_name: 'Server upgrade', expiration_hours: 48 }, 'upgrade_approval');
    const { id, waiting } = await start(workflowId);
    const event = await waiting;
    expect(event.task_id).toBe('check_approval');
    expect(event.data.wait).toMatchObject({ kind: 'approval', message: 'Approval needed for Server upgrade', scope: 'approve' });
    const pending = await client.listApprovals();
    const mine = pending.items.find((a) => a.execution_id === id);
    expect(Date.parse(mine?.deadline ?? '') - Date.parse(mine?.waiting_since ?? '')).toBe(48 * 3_600_000);
    await client.approve(id, 'check_approval', { comment: 'go ahead' });
    const done = await client.waitForCompletion(id);
    expect(done.output).toEqual({ decision: 'approve', decided_by: 'anonymous' });
    const status = done;
    expect(status.task_statuses?.submit_request?.status).toBe('completed');
    expect(status.task_statuses?.approved?.status).toBe('completed');
    expect(status.task_statuses?.rejected?.status).toBe('skipped');
    expect(status.task_statuses?.expired?.status).toBe('skipped');
  });

  it('takes the rejected branch on a reject', async () => {
    const workflowId = await instantiate({ approver_email: 'manager@example.com', item_name: 'Budget' }, 'budget_approval');
    const { id, waiting } = await start(workflowId);
    await waiting;
    await client.reject(id, 'check_approval', { comment: 'too expensive' });
    const done = await client.waitForCompletion(id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ decision: 'reject', decided_by: 'anonymous' });
    const status = done;
    expect(status.task_statuses?.rejected?.status).toBe('completed');
    expect(status.task_statuses?.approved?.status).toBe('skipped');
  });

  it('takes the expired branch when nobody decides within expiration_hours', async () => {
    // 0.0005 hours: under two seconds of real time.
    const workflowId = await instantiate({ approver_email: 'manager@example.com', item_name: 'Coffee', expiration_hours: 0.0005 }, 'coffee_approval');
    const { id } = await start(workflowId);
    const done = await client.waitForCompletion(id);
    expect(done.status).toBe('completed');
    expect(done.output).toMatchObject({ decision: 'expired' });
    const status = done;
    expect(status.task_statuses?.check_approval?.error?.type).toBe('EXPIRED');
    expect(status.task_statuses?.expired?.status).toBe('completed');
  });
});
