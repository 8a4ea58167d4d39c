/** /api/templates: create from a workflow, list, read, instantiate into a workflow. */
import type { CreateTemplateRequest, InstantiateTemplateRequest } from '../../core/wire.js';
import { defineRoutes } from '../route.js';
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
        200: { description: 'The ref exists with this very body: nothing changed.', schema: 'TemplateWriteResult' },
        404: { description: 'Unknown workflow.', schema: 'Error' },
        409: { description: 'The ref exists with another body (TEMPLATE_EXISTS: two names can map to one ref).', schema: 'Error' },
        422: { description: 'Invalid, or the workflow reads a `${param.*}` the parameters do not declare (TEMPLATE_INVALID); `details.diagnostics`.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const { result, created } = await services.app.registerTemplate(request.body as CreateTemplateRequest);
        return { status: created ? 201 : 200, body: result };
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
        const made = await services.app.instantiateTemplate(request.params.id ?? '', body.parameter_values ?? {}, body.name !== undefined ? { name: body.name } : {});
        return { status: 201, body: made };
      },
    },
  ]);
}
