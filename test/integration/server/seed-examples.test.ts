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
  it('creates the README workflow (tasks as a map) as a new version of the same ref', async () => {
    const created = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { text: README_WORKFLOW, contentType: 'application/json' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ref: 'api.example_workflow', version: 2, task_count: 2, changed: true });
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
