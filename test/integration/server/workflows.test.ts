import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, Paginated, WorkflowDetail, WorkflowView, WorkflowWriteResult } from '../../../src/core/wire.js';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ server: { max_workflow_size: 4096, max_task_count: 3 } });
});
afterAll(async () => {
  await h.close();
});

const YAML_WORKFLOW = `version: 1.0.0
name: Nightly Report
tasks:
  fetch:
    action: core.echo
    input: { rows: 3 }
  report:
    action: core.echo
    depends_on: [fetch]
    input: { count: "\${tasks.fetch.output.rows}" }
`;

type ErrorWithDiagnostics = ErrorResponse & { error: { details: { diagnostics: Diagnostic[] } } };

describe('POST /api/workflows', () => {
  it('registers a YAML body under the API pack with a ref from its name', async () => {
    const res = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { text: YAML_WORKFLOW, contentType: 'application/yaml' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ref: 'api.nightly_report', pack_ref: 'api', version: 1, name: 'Nightly Report', origin: { source: 'api' } });
    expect(res.body.source).toBe(YAML_WORKFLOW);
  });

  it('accepts text/yaml too and writes no new version for the same body', async () => {
    const res = await h.call<WorkflowWriteResult>('POST', '/api/workflows', { text: YAML_WORKFLOW, contentType: 'text/yaml' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, changed: false });
  });

  it('answers an invalid workflow with 422 and the diagnostics harmonia validate gives, with positions', async () => {
    const text = 'version: 1.0.0\nname: broken\ntasks:\n  a:\n    action: core.echo\n    depends_on: [biuld]\n';
    const res = await h.call<ErrorWithDiagnostics>('POST', '/api/workflows', { text, contentType: 'application/yaml' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('WORKFLOW_INVALID');
    const diagnostic = res.body.error.details.diagnostics.find((d) => d.severity === 'error');
    expect(diagnostic).toMatchObject({ line: 6, pointer: '/tasks/a/depends_on/0' });
    expect(diagnostic?.message).toContain("'biuld'");
  });

  it('refuses a schedule every 1ms with TRIGGER_INTERVAL_TOO_SHORT at its line and column, as harmonia validate does', async () => {
    const body = ['version: 1.0.0', 'name: Too Often', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  tick:', '    schedule: { every: 1ms }', ''].join('\n');
    const res = await h.call<ErrorWithDiagnostics>('POST', '/api/workflows', { text: body, contentType: 'application/yaml' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.diagnostics).toMatchObject([{ code: 'TRIGGER_INTERVAL_TOO_SHORT', line: 7, column: 24, pointer: '/triggers/tick/schedule/every' }]);
  });

  it('refuses a workflow whose after-trigger names itself (each end would start it again), as harmonia validate does, by the ref its name gives', async () => {
    const body = ['version: 1.0.0', 'name: Self Loop', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  again:', '    after: { workflow: api.self_loop }', ''].join('\n');
    for (const path of ['/api/workflows', '/api/workflows?name=self_loop']) {
      const res = await h.call<ErrorWithDiagnostics>('POST', path, { text: body, contentType: 'application/yaml' });
      expect(res.status).toBe(422);
      expect(res.body.error.details.diagnostics).toMatchObject([
        { code: 'TRIGGER_AFTER_CYCLE', line: 7, column: 24, pointer: '/triggers/again/after/workflow', message: expect.stringContaining('api.self_loop → api.self_loop') },
      ]);
    }
    const other = body.replace('name: Self Loop', 'name: Not Self');
    expect((await h.call('POST', '/api/workflows', { text: other, contentType: 'application/yaml' })).status).toBe(201);
  });

  it('reports a YAML syntax error as a diagnostic', async () => {
    const res = await h.call<ErrorWithDiagnostics>('POST', '/api/workflows', { text: 'tasks: [unclosed\n', contentType: 'application/yaml' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.diagnostics.length).toBeGreaterThan(0);
  });

  it('refuses a body type other than JSON or YAML with 415', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/workflows', { text: YAML_WORKFLOW, contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body larger than HARMONIA_MAX_WORKFLOW_SIZE with 413 naming the limit', async () => {
    const big = `${YAML_WORKFLOW}description: "${'x'.repeat(5000)}"\n`;
    const res = await h.call<ErrorResponse>('POST', '/api/workflows', { text: big, contentType: 'application/yaml' });
    expect(res.status).toBe(413);
    expect(res.body.error.details).toMatchObject({ limit: 'HARMONIA_MAX_WORKFLOW_SIZE', max_bytes: 4096 });
  });

  it('refuses more tasks than HARMONIA_MAX_TASK_COUNT with 422', async () => {
    const tasks = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, { action: 'core.noop' }]));
    const res = await h.call<ErrorWithDiagnostics>('POST', '/api/workflows', { json: { version: '1.0.0', name: 'many', tasks } });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject({ limit: 'HARMONIA_MAX_TASK_COUNT', max: 3, actual: 4 });
  });

  it('points the task-count refusal of a YAML body at its tasks key, as harmonia validate does', async () => {
    const text = 'version: 1.0.0\nname: many_yaml\ntasks:\n  a: { action: core.noop }\n  b: { action: core.noop }\n  c: { action: core.noop }\n  d: { action: core.noop }\n';
    const res = await h.call<ErrorWithDiagnostics>('POST', '/api/workflows', { text, contentType: 'application/yaml' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject({ limit: 'HARMONIA_MAX_TASK_COUNT', max: 3, actual: 4 });
    expect(res.body.error.details.diagnostics).toMatchObject([{ code: 'WORKFLOW_TOO_MANY_TASKS', line: 3, column: 1 }]);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/workflows', { text: '{"name": ', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('REQUEST_INVALID');
  });
});

describe('GET /api/workflows', () => {
  it('lists a page filtered by pack', async () => {
    const res = await h.call<Paginated<WorkflowView>>('GET', '/api/workflows?pack=demo&limit=1&offset=1');
    expect(res.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(res.body.items.map((w) => w.ref)).toEqual(['demo.hello']);
  });

  it('filters by text', async () => {
    const res = await h.call<Paginated<WorkflowView>>('GET', '/api/workflows?text=nightly');
    expect(res.body.items.map((w) => w.ref)).toEqual(['api.nightly_report']);
  });

  it('rejects a limit out of range with 400', async () => {
    expect((await h.call('GET', '/api/workflows?limit=0')).status).toBe(400);
  });
});

describe('GET /api/workflows/:id', () => {
  it('finds a workflow by ref and by version id', async () => {
    const byRef = await h.call<WorkflowDetail>('GET', '/api/workflows/demo.hello');
    expect(byRef.body).toMatchObject({ ref: 'demo.hello', pack_ref: 'demo', task_count: 2 });
    const byId = await h.call<WorkflowDetail>('GET', `/api/workflows/${byRef.body.workflow_id}`);
    expect(byId.body.ref).toBe('demo.hello');
  });

  it('answers an unknown workflow with 404', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/workflows/demo.nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('WORKFLOW_NOT_FOUND');
  });
});

describe('PUT /api/workflows/:id', () => {
  it('adds a version to an API workflow', async () => {
    const text = YAML_WORKFLOW.replace('rows: 3', 'rows: 4');
    const res = await h.call<WorkflowWriteResult>('PUT', '/api/workflows/api.nightly_report', { text, contentType: 'application/yaml' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ref: 'api.nightly_report', version: 2, active_version: 2, changed: true });
  });

  it('lists every version oldest first', async () => {
    const res = await h.call<{ ref: string; items: WorkflowView[] }>('GET', '/api/workflows/api.nightly_report/versions');
    expect(res.body.items.map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses to change a workflow that comes from pack files with 409', async () => {
    const res = await h.call<ErrorResponse>('PUT', '/api/workflows/demo.hello', { text: YAML_WORKFLOW, contentType: 'application/yaml' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('STORE_CONFLICT');
  });
});

describe('DELETE /api/workflows/:id', () => {
  it('marks an API workflow deleted so it is no longer found', async () => {
    const res = await h.call('DELETE', '/api/workflows/api.nightly_report');
    expect(res.body).toEqual({ deleted: true, ref: 'api.nightly_report' });
    expect((await h.call('GET', '/api/workflows/api.nightly_report')).status).toBe(404);
  });
});
