/**
 * The integration guide's and README's curl examples, sent as written (same
 * paths and bodies) through fetch, with the placeholder ids replaced by real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionDetail, ExecutionView, WorkflowWriteResult } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

const GUIDE_WORKFLOW = `{
    "name": "example_workflow",
    "description": "Example workflow",
    "tasks": [
      {
        "id": "task1",
        "component": "your_component",
        "action": "your_action",
        "input": {"param1": "value1"}
      }
    ]
  }`;

const README_WORKFLOW = `{
    "name": "example_workflow",
    "description": "Example workflow",
    "tasks": {
      "task1": {
        "name": "task1",
        "component": "ergon",
        "action": "execute_command",
        "input": {
          "command": "echo Hello World"
        }
      },
      "task2": {
        "name": "task2",
        "component": "prometheus",
        "action": "analyze_results",
        "input": {
          "data": "\${tasks.task1.output.result}"
        },
        "depends_on": ["task1"]
      }
    }
  }`;

const executeBody = (workflowId: string): string => `{
    "workflow_id": "${workflowId}",
    "input": {
      "parameter1": "value1"
    }
  }`;

describe('integration guide curl examples', () => {
  it('creates the guide workflow, executes it and reads its status', async () => {
    const created = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { text: GUIDE_WORKFLOW, contentType: 'application/json' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ref: 'api.example_workflow', version: 1, task_count: 1 });
    // the component is not registered yet: a warning, not an error
    expect(created.body.diagnostics.map((d) => d.code)).toContain('ACTION_UNKNOWN_COMPONENT');

    const started = await h.call<ExecutionView>('POST', '/api/executions', {
      text: executeBody(created.body.workflow_id),
      contentType: 'application/json',
    });
    expect(started.status).toBe(201);
    expect(started.body.execution_id).toBe(started.body.id);

    await h.engine.waitForCompletion(started.body.execution_id);
    const status = await h.call<ExecutionDetail>('GET', `/api/executions/${started.body.execution_id}`);
    expect(status.status).toBe(200);
    expect(['completed', 'failed', 'canceled']).toContain(status.body.status);
    expect(Object.keys(status.body.task_statuses)).toEqual(['task1']);
  });
});

describe('README curl examples', () => {
  it('refuses to create the README workflow over the guide one of the same ref, and takes it as an update with PUT', async () => {
    const created = await h.call<{ error: { code: string; details: Record<string, unknown> } }>('POST', '/api/workflows', { text: README_WORKFLOW, contentType: 'application/json' });
    expect([created.status, created.body.error.code]).toEqual([409, 'WORKFLOW_EXISTS']);
    expect(created.body.error.details).toMatchObject({ ref: 'api.example_workflow', existing_version: 1 });
    const updated = await h.call<WorkflowWriteResult>('PUT', '/api/workflows/api.example_workflow', { text: README_WORKFLOW, contentType: 'application/json' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ref: 'api.example_workflow', version: 2, task_count: 2, changed: true });
  });

  it('answers a create repeated with the very same body with the version it made, unchanged', async () => {
    const again = await h.call<WorkflowWriteResult>('PUT', '/api/workflows/api.example_workflow', { text: README_WORKFLOW, contentType: 'application/json' });
    expect(again.body).toMatchObject({ version: 2, changed: false });
    const created = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { text: README_WORKFLOW, contentType: 'application/json' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ref: 'api.example_workflow', version: 2, changed: false });
  });

  it("refuses 'Data Processing Pipeline' after 'data_processing_pipeline': one ref, two bodies", async () => {
    const first = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { json: { name: 'data_processing_pipeline', tasks: { a: { action: 'core.noop' } } } });
    expect(first.status).toBe(201);
    const second = await h.call<{ error: { code: string; message: string } }>('POST', '/api/workflows', { json: { name: 'Data Processing Pipeline', tasks: { b: { action: 'core.noop' } } } });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'WORKFLOW_EXISTS' });
    expect(second.body.error.message).toBe(
      "workflow 'api.data_processing_pipeline' already exists (the name 'Data Processing Pipeline' maps to it); update it with PUT /api/v1/workflows/api.data_processing_pipeline, or choose another name",
    );
    const kept = await h.call<WorkflowWriteResult>('GET', '/api/workflows/api.data_processing_pipeline');
    expect(kept.body).toMatchObject({ version: 1, task_count: 1 });
  });

  it('executes the workflow and gets its status', async () => {
    const wf = await h.call<WorkflowWriteResult>('GET', '/api/workflows/api.example_workflow');
    const started = await h.call<ExecutionView>('POST', '/api/executions', { text: executeBody(wf.body.workflow_id), contentType: 'application/json' });
    expect(started.status).toBe(201);
    await h.engine.waitForCompletion(started.body.execution_id);
    const status = await h.call<ExecutionDetail>(`GET`, `/api/executions/${started.body.execution_id}`);
    expect(status.body.workflow_version).toBe(2);
    expect(Object.keys(status.body.task_statuses).sort()).toEqual(['task1', 'task2']);
  });
});
