/**
 * The integration guide's template flow over REST: create a workflow whose tasks read
 * `${param.*}`, make a template of it with parameter specs, instantiate it with values,
 * run the instance and see the values arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, ExecutionView, TemplateDetail, WorkflowDetail, WorkflowWriteResult } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

const PARAMETRIZED = {
  name: 'Parametrized Process',
  tasks: [
    {
      id: 'configurable_task',
      action: 'core.echo',
      input: { source: '${param.data_source}', format: '${param.format}', options: '${param.processing_options}' },
    },
  ],
};

describe('the template flow of the integration guide', () => {
  let workflowId = '';
  let templateId = '';

  it('accepts a workflow that reads ${param.*} and says it is a template body', async () => {
    const res = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { json: PARAMETRIZED });
    expect(res.status).toBe(201);
    expect(res.body.diagnostics.map((d) => [d.code, d.severity, d.pointer])).toEqual([
      ['WORKFLOW_TEMPLATE_PARAMS', 'warning', '/tasks/0/input/source'],
      ['WORKFLOW_TEMPLATE_PARAMS', 'warning', '/tasks/0/input/format'],
      ['WORKFLOW_TEMPLATE_PARAMS', 'warning', '/tasks/0/input/options'],
    ]);
    workflowId = res.body.workflow_id;
  });

  it('refuses to run such a workflow before it is instantiated', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/executions', { json: { workflow_id: workflowId } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'WORKFLOW_TEMPLATE_PARAMS', details: { parameters: ['data_source', 'format', 'processing_options'] } });
  });

  it('makes a template of it with the parameter specs', async () => {
    const res = await h.call<TemplateDetail>('POST', '/api/templates', {
      json: {
        name: 'Data Processing Template',
        workflow_definition_id: workflowId,
        parameters: {
          data_source: { type: 'string', required: true, description: 'Source of the data to process' },
          format: { type: 'string', required: false, default: 'json' },
          processing_options: { type: 'object', required: false, default: { normalize: true } },
        },
      },
    });
    expect(res.status).toBe(201);
    templateId = res.body.template_id;
  });

  it('refuses a template whose workflow reads a parameter it does not declare', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/templates', {
      json: { name: 'half_template', workflow_definition_id: workflowId, parameters: { data_source: { type: 'string' } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('TEMPLATE_INVALID');
  });

  it('instantiates it with values that reach the task when the instance runs', async () => {
    const made = await h.call<WorkflowDetail>('POST', `/api/templates/${templateId}/instantiate`, {
      json: { parameter_values: { data_source: 's3://mybucket/data.csv', format: 'csv', processing_options: { normalize: true, deduplicate: true } } },
    });
    expect(made.status).toBe(201);
    expect(JSON.stringify(made.body.definition)).not.toContain('param.');
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_id: made.body.workflow_id } });
    expect(started.status).toBe(201);
    const done = await h.engine.waitForCompletion(started.body.execution_id);
    expect(done.status).toBe('completed');
    const events = await h.engine.readEvents(started.body.execution_id, 0);
    const completed = events.find((e) => e.event_type === 'task_completed');
    expect(completed?.data).toMatchObject({ output: { source: 's3://mybucket/data.csv', format: 'csv', options: { normalize: true, deduplicate: true } } });
  });

  it('fills defaults for values not given', async () => {
    const made = await h.call<WorkflowDetail>('POST', `/api/templates/${templateId}/instantiate`, { json: { parameter_values: { data_source: 'file:///x' } } });
    expect(made.status).toBe(201);
    const task = made.body.definition.tasks?.[0] as { input?: Record<string, unknown> } | undefined;
    expect(task?.input).toEqual({ source: 'file:///x', format: 'json', options: { normalize: true } });
  });
});
