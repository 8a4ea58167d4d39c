import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskDef, TemplateDef, WorkflowDef } from '../../../src/core/model.js';
import { contentHash } from '../../../src/packs/content-hash.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { instantiateTemplate } from '../../../src/templates/instantiate-template.js';

function task(id: string, action: string, input: Record<string, unknown>, extra: Partial<TaskDef> = {}): TaskDef {
  return { id, action, depends_on: [], input, ...extra };
}

const pipeline: TemplateDef = {
  version: '1.0.0',
  description: 'Build and deploy one service',
  parameters: {
    service: { type: 'string', required: true },
    environment: { type: 'string', default: 'staging', enum: ['staging', 'production'] },
    announce: { type: 'boolean', default: true },
    replicas: { type: 'integer', default: 2 },
  },
  workflow: {
    tasks: [
      task('build', 'ci_cd.build', { service: '${param.service}' }),
      task(
        'deploy',
        'ci_cd.deploy',
        { image: '${tasks.build.output.image}', environment: '${param.environment}', replicas: '${param.replicas}' },
        { depends_on: ['build'] },
      ),
      task(
        'announce',
        'core.echo',
        { message: '${param.service} is on ${param.environment} at ${tasks.deploy.output.url}' },
        { depends_on: ['deploy'], condition: '${param.announce}' },
      ),
    ],
    output: { image: '${tasks.build.output.image}' },
  },
};

const canary: TemplateDef = {
  version: '1.1.0',
  extends: 'ci_cd.service_pipeline',
  parameters: {
    environment: { type: 'string', default: 'production', enum: ['production'] },
    percent: { type: 'integer', default: 10 },
  },
  workflow: {
    tasks: [
      task('deploy', 'ci_cd.canary', { image: '${tasks.build.output.image}', percent: '${param.percent}' }, { depends_on: ['build'] }),
      task('verify', 'core.noop', {}, { depends_on: ['deploy'] }),
    ],
  },
};

describe('instantiateTemplate()', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-templates-'));
    store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    await store.registry.upsertPack({ ref: 'ci_cd', version: '1.0.0', dependencies: [] });
    for (const [ref, body] of [
      ['ci_cd.service_pipeline', pipeline],
      ['ci_cd.canary_pipeline', canary],
    ] as const) {
      await store.registry.addVersion({
        kind: 'template',
        ref,
        pack_ref: 'ci_cd',
        content_hash: contentHash(body),
        body,
        source: '',
        file: `templates/${ref.split('.')[1] ?? ''}.yaml`,
        origin: { source: 'local' },
      });
    }
    // The pack actions the templates use, so the instances validate.
    for (const name of ['build', 'deploy', 'canary']) {
      const body = { runner: 'shell' as const, entry_point: `${name}.sh`, parameters: {} };
      await store.registry.addVersion({
        kind: 'action',
        ref: `ci_cd.${name}`,
        pack_ref: 'ci_cd',
        content_hash: contentHash(body),
        body,
        source: '',
        file: `actions/${name}.yaml`,
        origin: { source: 'local' },
      });
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a workflow with parameters substituted and defaults applied', async () => {
    const record = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.service_pipeline',
      parameterValues: { service: 'api' },
      name: 'api_pipeline',
    });
    const body = record.body as WorkflowDef;
    expect(record).toMatchObject({ kind: 'workflow', ref: 'ci_cd.api_pipeline', pack_ref: 'ci_cd', version: 1 });
    expect(record.origin.source).toBe('api');
    expect(record.content_hash).toBe(contentHash(body));
    expect(body.tasks.map((t) => [t.id, t.input])).toEqual([
      ['build', { service: 'api' }],
      ['deploy', { image: '${tasks.build.output.image}', environment: 'staging', replicas: 2 }],
      ['announce', { message: 'api is on staging at ${tasks.deploy.output.url}' }],
    ]);
    expect(body.tasks[2]?.condition).toBe('${true}');
    expect(body.output).toEqual({ image: '${tasks.build.output.image}' });
    expect(await store.registry.getActive('workflow', 'ci_cd.api_pipeline')).toMatchObject({ id: record.id });
  });

  it('returns the existing version when the same values are given again', async () => {
    const options = { store, templateRef: 'ci_cd.service_pipeline', parameterValues: { service: 'api' }, name: 'api_pipeline' };
    const first = await instantiateTemplate(options);
    const second = await instantiateTemplate(options);
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(1);
  });

  it('adds a version when the values change', async () => {
    const base = { store, templateRef: 'ci_cd.service_pipeline', name: 'api_pipeline' };
    await instantiateTemplate({ ...base, parameterValues: { service: 'api' } });
    const second = await instantiateTemplate({ ...base, parameterValues: { service: 'api', replicas: 5 } });
    expect(second.version).toBe(2);
  });

  it('names the workflow after the template and its hash when no name is given', async () => {
    const record = await instantiateTemplate({ store, templateRef: 'ci_cd.service_pipeline', parameterValues: { service: 'api' } });
    expect(record.ref).toBe(`ci_cd.service_pipeline_${record.content_hash.slice(0, 8)}`);
  });

  it('refuses a missing required parameter, naming it', async () => {
    const error = await instantiateTemplate({ store, templateRef: 'ci_cd.service_pipeline', parameterValues: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TEMPLATE_PARAM_INVALID',
      message: "template 'ci_cd.service_pipeline': parameter 'service' is required",
      details: { parameter: 'service' },
    });
  });

  it('refuses a value outside the enum', async () => {
    const error = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.service_pipeline',
      parameterValues: { service: 'api', environment: 'prod' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEMPLATE_PARAM_INVALID', details: { parameter: 'environment' } });
  });

  it('refuses a value of the wrong type', async () => {
    const error = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.service_pipeline',
      parameterValues: { service: 'api', replicas: 'two' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TEMPLATE_PARAM_INVALID',
      message: "template 'ci_cd.service_pipeline': parameter 'replicas' must be of type integer; got string 'two'",
    });
  });

  it('throws TEMPLATE_NOT_FOUND for an unknown template', async () => {
    const error = await instantiateTemplate({ store, templateRef: 'ci_cd.nope', parameterValues: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', message: "template 'ci_cd.nope' is not registered" });
  });

  it('applies extends: inherited parameters, replaced and added tasks', async () => {
    const record = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.canary_pipeline',
      parameterValues: { service: 'web' },
      name: 'web_canary',
    });
    const body = record.body as WorkflowDef;
    expect(body.version).toBe('1.1.0');
    expect(body.tasks.map((t) => [t.id, t.action])).toEqual([
      ['build', 'ci_cd.build'],
      ['deploy', 'ci_cd.canary'],
      ['announce', 'core.echo'],
      ['verify', 'core.noop'],
    ]);
    expect(body.tasks[1]?.input).toEqual({ image: '${tasks.build.output.image}', percent: 10 });
    expect(body.tasks[2]?.input).toEqual({ message: 'web is on production at ${tasks.deploy.output.url}' });
  });

  it('refuses values that make an invalid workflow, with the diagnostics, and registers nothing', async () => {
    const broken: TemplateDef = {
      version: '1.0.0',
      parameters: { step: { type: 'string', required: true } },
      workflow: { tasks: [task('run', '${param.step}', {})] },
    };
    await store.registry.addVersion({
      kind: 'template',
      ref: 'ci_cd.any_step',
      pack_ref: 'ci_cd',
      content_hash: contentHash(broken),
      body: broken,
      source: '',
      file: 'templates/any_step.yaml',
      origin: { source: 'local' },
    });
    const error = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.any_step',
      parameterValues: { step: 'ci_cd.biuld' },
      name: 'typo',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WORKFLOW_INVALID' });
    const diagnostics = (error as { details: { diagnostics: { code: string; message: string }[] } }).details.diagnostics;
    expect(diagnostics.map((d) => d.code)).toContain('ACTION_UNKNOWN');
    expect(diagnostics[0]?.message).toMatch(/ci_cd\.biuld/);
    expect(await store.registry.getActive('workflow', 'ci_cd.typo')).toBeNull();
  });

  it('refuses to replace a workflow that came from pack files', async () => {
    const body: WorkflowDef = { version: '1.0.0', input: {}, context: {}, tasks: [], output: {}, error_handlers: [] };
    await store.registry.addVersion({
      kind: 'workflow',
      ref: 'ci_cd.deploy_app',
      pack_ref: 'ci_cd',
      content_hash: contentHash(body),
      body,
      source: '',
      file: 'workflows/deploy_app.yaml',
      origin: { source: 'git' },
    });
    const error = await instantiateTemplate({
      store,
      templateRef: 'ci_cd.service_pipeline',
      parameterValues: { service: 'api' },
      name: 'deploy_app',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_CONFLICT' });
  });
});
