import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CheckpointValidation,
  CheckpointView,
  ErrorResponse,
  ExecutionDetail,
  ExecutionView,
  Paginated,
  TemplateDetail,
  TemplateView,
  WorkflowDetail,
} from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { waitForEvent } from './wait-for-event.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('templates', () => {
  it('creates a template from a registered workflow with parameter specs', async () => {
    const hello = await h.call<WorkflowDetail>('GET', '/api/workflows/demo.hello');
    const res = await h.call<TemplateDetail>('POST', '/api/templates', {
      json: {
        name: 'Greeting Process',
        workflow_definition_id: hello.body.workflow_id,
        parameters: { data_source: { type: 'string', required: true, description: 'Source of the data to process' } },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ref: 'api.greeting_process', name: 'greeting_process' });
    expect(res.body.template_id).toBe(res.body.id);
    expect(res.body.parameters.data_source).toMatchObject({ type: 'string', required: true });
  });

  it('lists templates and reads one by ref', async () => {
    const list = await h.call<Paginated<TemplateView>>('GET', '/api/templates');
    expect(list.body.items.map((t) => t.ref).sort()).toEqual(['api.greeting_process', 'demo.greeting']);
    const one = await h.call<TemplateDetail>('GET', '/api/templates/demo.greeting');
    expect(one.body.parameters.who).toMatchObject({ type: 'string', required: true });
  });

  it('instantiates a template into a workflow that runs with the values substituted', async () => {
    const made = await h.call<WorkflowDetail>('POST', '/api/templates/demo.greeting/instantiate', {
      json: { parameter_values: { who: 'bob' }, name: 'greet_bob' },
    });
    expect(made.status).toBe(201);
    expect(made.body.ref).toBe('api.greet_bob');
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_id: made.body.workflow_id } });
    await h.engine.waitForCompletion(started.body.execution_id);
    const events = await h.engine.readEvents(started.body.execution_id, 0);
    const completed = events.find((e) => e.event_type === 'task_completed');
    expect(JSON.stringify(completed?.data)).toContain('hi bob');
  });

  it('answers a missing parameter with 422 naming it', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/templates/demo.greeting/instantiate', { json: { parameter_values: {} } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'TEMPLATE_PARAM_INVALID', details: { parameter: 'who' } });
  });

  it('answers an unknown template with 404', async () => {
    expect((await h.call('GET', '/api/templates/demo.none')).status).toBe(404);
    expect((await h.call('POST', '/api/templates/demo.none/instantiate', { json: {} })).status).toBe(404);
  });
});

describe('checkpoints', () => {
  let executionId = '';
  let checkpointId = '';

  it('checkpoints a running execution', async () => {
    const started = await h.call<ExecutionView>('POST', '/api/executions', { json: { workflow_ref: 'demo.slow' } });
    executionId = started.body.execution_id;
    await waitForEvent(h.engine, executionId, (e) => e.event_type === 'task_started');
    const res = await h.call<CheckpointView>('POST', '/api/checkpoints', { json: { execution_id: executionId } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ execution_id: executionId });
    checkpointId = res.body.checkpoint_id;
  });

  it('lists an execution\'s checkpoints and reads one with its snapshot', async () => {
    const list = await h.call<{ items: CheckpointView[] }>('GET', `/api/checkpoints?execution_id=${executionId}`);
    expect(list.body.items.map((c) => c.id)).toEqual([checkpointId]);
    const one = await h.call<CheckpointView & { snapshot: unknown }>('GET', `/api/checkpoints/${checkpointId}`);
    expect(one.body.snapshot).toBeTypeOf('object');
  });

  it('validates a checkpoint', async () => {
    const res = await h.call<CheckpointValidation>('POST', `/api/checkpoints/${checkpointId}/validate`);
    expect(res.body).toMatchObject({ checkpoint_id: checkpointId, valid: true, problems: [] });
  });

  it('restores a checkpoint as a new execution', async () => {
    await h.call('POST', `/api/executions/${executionId}/cancel`);
    await h.engine.waitForCompletion(executionId);
    const res = await h.call<ExecutionView & { restored_from: string }>('POST', `/api/checkpoints/${checkpointId}/restore`);
    expect(res.status).toBe(201);
    expect(res.body.execution_id).not.toBe(executionId);
    expect(res.body.restored_from).toBe(checkpointId);
    const detail = await h.call<ExecutionDetail>('GET', `/api/executions/${res.body.execution_id}`);
    expect(detail.body.workflow_ref).toBe('demo.slow');
    await h.call('POST', `/api/executions/${res.body.execution_id}/cancel`);
  });

  it('needs execution_id to list and answers unknown checkpoints with 404', async () => {
    expect((await h.call('GET', '/api/checkpoints')).status).toBe(400);
    const res = await h.call<ErrorResponse>('GET', '/api/checkpoints/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CHECKPOINT_NOT_FOUND');
    expect((await h.call('POST', '/api/checkpoints', { json: { execution_id: 'nope' } })).status).toBe(404);
  });
});
