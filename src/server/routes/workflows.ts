/** /api/workflows: create (JSON or YAML, validated like pack files), list, read, update, delete, versions. */
import type { WorkflowDocument } from '../../core/workflow-document.js';
import { defineRoutes, type RouteRequest } from '../route.js';
import { intOption, PAGE_QUERY, pageQuery } from './paging.js';

const WRITE_BODY = { types: ['json', 'yaml'] as const, required: true, limit: 'workflow' as const };

/** The body as the use-case takes it: the text as sent, so diagnostics point into it. */
function definitionOf(request: RouteRequest): WorkflowDocument | string {
  return request.body_text ?? (request.body as WorkflowDocument);
}

/** The listing options of a query string: `pack`, `text`, `limit`, `offset`. */
export function listQuery(request: RouteRequest): { pack?: string; text?: string; limit?: number; offset?: number } {
  const { pack, text } = request.query;
  const limit = intOption(request.query, 'limit');
  const offset = intOption(request.query, 'offset');
  return {
    ...(pack !== undefined ? { pack } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}

/** The workflow routes. */
export function workflowRoutes() {
  return defineRoutes([
    {
      method: 'POST',
      path: '/workflows',
      base: 'api',
      scope: 'write',
      tag: 'workflows',
      summary: 'Create a workflow in the API pack from a JSON or YAML body; invalid bodies get the same diagnostics as `harmonia validate`. A ref that exists is changed with PUT, never by a create.',
      body: WRITE_BODY,
      query: [{ name: 'name', type: 'string', description: "The ref's name, instead of the body's `name`." }],
      responses: {
        201: { description: 'Created.', schema: 'WorkflowWriteResult' },
        200: { description: 'The ref exists with this very body: nothing changed (a retried create is safe).', schema: 'WorkflowWriteResult' },
        409: { description: 'The ref exists with another body (WORKFLOW_EXISTS: two names can map to one ref); update it with PUT.', schema: 'Error' },
        413: { description: 'The body exceeds HARMONIA_MAX_WORKFLOW_SIZE.', schema: 'Error' },
        415: { description: 'Not JSON or YAML.', schema: 'Error' },
        422: { description: 'Invalid; `details.diagnostics` lists every problem.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const name = request.query.name;
        const { result, created } = await services.app.registerWorkflow(definitionOf(request), name !== undefined ? { name } : {});
        return { status: created ? 201 : 200, body: result };
      },
    },
    {
      method: 'GET',
      path: '/workflows',
      base: 'api',
      scope: 'read',
      tag: 'workflows',
      summary: 'List active workflows, filtered by pack and text, a page at a time.',
      query: [
        { name: 'pack', type: 'string', description: 'Only this pack.' },
        { name: 'text', type: 'string', description: 'Substring of the ref, name or description.' },
        { name: 'limit', type: 'integer', description: 'Page size, 1..1000 (default 50).' },
        { name: 'offset', type: 'integer', description: 'Items to skip (default 0).' },
      ],
      responses: { 200: { description: 'A page of workflows.', schema: 'WorkflowList' } },
      handler: async (request, services) => ({ body: await services.app.listWorkflows(listQuery(request)) }),
    },
    {
      method: 'GET',
      path: '/workflows/:id',
      base: 'api',
      scope: 'read',
      tag: 'workflows',
      summary: 'One workflow by version id or ref (its active version, or `?version=`), with its definition and source.',
      query: [{ name: 'version', type: 'integer', description: 'A specific version of the ref.' }],
      responses: { 200: { description: 'The workflow.', schema: 'WorkflowDetail' }, 404: { description: 'Unknown.', schema: 'Error' } },
      handler: async (request, services) => {
        const version = intOption(request.query, 'version');
        return { body: await services.app.getWorkflow(request.params.id ?? '', version === undefined ? {} : { version }) };
      },
    },
    {
      method: 'PUT',
      path: '/workflows/:id',
      base: 'api',
      scope: 'write',
      tag: 'workflows',
      summary: 'Replace a workflow created through the API: adds a version when the body changed. Workflows from pack files change in git.',
      body: WRITE_BODY,
      responses: {
        200: { description: 'The active version after the update.', schema: 'WorkflowWriteResult' },
        404: { description: 'Unknown.', schema: 'Error' },
        409: { description: 'The workflow comes from pack files.', schema: 'Error' },
        422: { description: 'Invalid; `details.diagnostics`.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.updateWorkflow(request.params.id ?? '', definitionOf(request)) }),
    },
    {
      method: 'DELETE',
      path: '/workflows/:id',
      base: 'api',
      scope: 'admin',
      tag: 'workflows',
      summary: 'Mark a workflow created through the API deleted; its versions stay for executions that use them.',
      responses: {
        200: { description: 'Deleted.', schema: 'Deleted' },
        404: { description: 'Unknown.', schema: 'Error' },
        409: { description: 'The workflow comes from pack files.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.deleteWorkflow(request.params.id ?? '') }),
    },
    {
      method: 'GET',
      path: '/workflows/:id/versions',
      base: 'api',
      scope: 'read',
      tag: 'workflows',
      summary: 'The stored versions of a workflow, oldest first, a page at a time.',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of the versions.', schema: 'WorkflowVersions' }, 404: { description: 'Unknown.', schema: 'Error' } },
      handler: async (request, services) => ({ body: await services.app.listWorkflowVersions(request.params.id ?? '', pageQuery(request.query)) }),
    },
  ]);
}
