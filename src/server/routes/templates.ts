/** /api/templates: create from a workflow, list, read, instantiate into a workflow. */
import type { WorkflowDef } from '../../core/model.js';
import type { CreateTemplateRequest, InstantiateTemplateRequest } from '../../core/wire.js';
import { createRegistry } from '../../registry/create-registry.js';
import { instantiateTemplate } from '../../templates/instantiate-template.js';
import { ensureApiPack, intakeDefinition } from '../definition-intake.js';
import { defineRoutes } from '../route.js';
import { templateDetail, workflowDetail } from '../views.js';
import { listQuery } from './workflows.js';

/** The template routes. */
export function templateRoutes() {
  const notFound = { description: 'No such template.', schema: 'Error' };
  return defineRoutes([
    {
      method: 'POST',
      path: '/templates',
      base: 'api',
      scope: 'write',
      tag: 'templates',
      summary: 'Create a template in the API pack from a registered workflow and parameter specs.',
      body: { types: ['json'], schema: 'CreateTemplateRequest', required: true },
      responses: {
        201: { description: 'Created.', schema: 'TemplateWriteResult' },
        200: { description: 'An existing template got a new version, or was unchanged.', schema: 'TemplateWriteResult' },
        409: { description: 'The ref comes from pack files (STORE_CONFLICT).', schema: 'Error' },
        404: { description: 'Unknown workflow.', schema: 'Error' },
        422: { description: 'Invalid; `details.diagnostics`.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const body = request.body as CreateTemplateRequest;
        const workflow = await createRegistry(services.store).getWorkflow(body.workflow_definition_id);
        const { version: _version, name: _name, ...workflowBody } = workflow.body as WorkflowDef;
        const template = {
          version: '1.0.0',
          name: body.name,
          ...(body.description !== undefined ? { description: body.description } : {}),
          parameters: body.parameters ?? {},
          workflow: workflowBody,
        };
        const result = await intakeDefinition({
          store: services.store,
          kind: 'template',
          text: `${JSON.stringify(template, null, 2)}\n`,
          pack_ref: services.options.api_pack,
          name: body.name,
          max_file_size: services.options.max_workflow_size,
          max_task_count: services.options.max_task_count,
          api_pack: services.options.api_pack,
        });
        return {
          status: result.created ? 201 : 200,
          body: { ...templateDetail(result.record), changed: result.changed, diagnostics: result.diagnostics },
        };
      },
    },
    {
      method: 'GET',
      path: '/templates',
      base: 'api',
      scope: 'read',
      tag: 'templates',
      summary: 'List active templates, filtered by pack and text, a page at a time.',
      query: [
        { name: 'pack', type: 'string', description: 'Only this pack.' },
        { name: 'text', type: 'string', description: 'Substring of the ref, name or description.' },
        { name: 'limit', type: 'integer', description: 'Page size, 1..1000 (default 50).' },
        { name: 'offset', type: 'integer', description: 'Items to skip.' },
      ],
      responses: { 200: { description: 'A page of templates.', schema: 'TemplateList' } },
      handler: async (request, services) => ({ body: await services.app.listTemplates(listQuery(request)) }),
    },
    {
      method: 'GET',
      path: '/templates/:id',
      base: 'api',
      scope: 'read',
      tag: 'templates',
      summary: 'One template by version id or ref, with its definition.',
      responses: { 200: { description: 'The template.', schema: 'TemplateDetail' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getTemplate(request.params.id ?? '') }),
    },
    {
      method: 'POST',
      path: '/templates/:id/instantiate',
      base: 'api',
      scope: 'write',
      tag: 'templates',
      summary: 'Resolve `${param.*}` with parameter values and register the result as a workflow in the API pack.',
      body: { types: ['json'], schema: 'InstantiateTemplateRequest', required: false },
      responses: {
        201: { description: 'The workflow (`workflow_id` starts it).', schema: 'TemplateInstance' },
        409: { description: 'The instance name is a workflow that comes from pack files (STORE_CONFLICT).', schema: 'Error' },
        404: notFound,
        422: { description: 'A parameter value is missing or wrong; `details.parameter` names it.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const body = (request.body ?? {}) as InstantiateTemplateRequest;
        const template = await createRegistry(services.store).getTemplate(request.params.id ?? '');
        await ensureApiPack(services.store, services.options.api_pack);
        const record = await instantiateTemplate({
          store: services.store,
          templateRef: template.ref,
          parameterValues: body.parameter_values ?? {},
          packRef: services.options.api_pack,
          ...(body.name !== undefined ? { name: body.name } : {}),
        });
        const head = await services.store.registry.getHead('workflow', record.ref);
        return { status: 201, body: { ...workflowDetail(record, head), template_id: template.id } };
      },
    },
  ]);
}
