/** /api/workflows: create (JSON or YAML, validated like pack files), list, read, update, delete, versions. */
import { HarmoniaError } from '../../core/errors.js';
import type { WorkflowWriteResult } from '../../core/wire.js';
import { createRegistry } from '../../registry/create-registry.js';
import { intakeDefinition } from '../definition-intake.js';
import { defineRoutes, type AppServices, type RouteRequest } from '../route.js';
import { workflowDetail } from '../views.js';
import { intOption, PAGE_QUERY, pageQuery } from './paging.js';

const WRITE_BODY = { types: ['json', 'yaml'] as const, required: true, limit: 'workflow' as const };

/**
 * The integration guide's JSON examples carry no `version`; the API fills in 1.0.0
 * by inserting it after the opening brace, so line numbers in diagnostics still
 * point into the text as sent.
 */
function withDefaultVersion(request: RouteRequest): string {
  const text = request.body_text ?? '';
  const value = request.body;
  if (request.body_type !== 'json' || typeof value !== 'object' || value === null || Array.isArray(value)) return text;
  if ('version' in value) return text;
  const empty = Object.keys(value).length === 0;
  return text.replace('{', `{"version": "1.0.0"${empty ? '' : ','}`);
}

function jsonName(request: RouteRequest): string | undefined {
  const value = request.body as { name?: unknown } | undefined;
  if (request.query.name !== undefined) return request.query.name;
  return request.body_type === 'json' && typeof value?.name === 'string' ? value.name : undefined;
}

async function write(request: RouteRequest, services: AppServices, pack: string, name: string | undefined) {
  const result = await intakeDefinition({
    store: services.store,
    kind: 'workflow',
    text: withDefaultVersion(request),
    pack_ref: pack,
    ...(name !== undefined ? { name } : {}),
    max_file_size: services.options.max_workflow_size,
    max_task_count: services.options.max_task_count,
    api_pack: services.options.api_pack,
  });
  const head = await services.store.registry.getHead('workflow', result.record.ref);
  const body: WorkflowWriteResult = { ...workflowDetail(result.record, head), changed: result.changed, diagnostics: result.diagnostics };
  return { result, body };
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
      summary: 'Create a workflow (or a new version of one) in the API pack from a JSON or YAML body; invalid bodies get the same diagnostics as `harmonia validate`.',
      body: WRITE_BODY,
      query: [{ name: 'name', type: 'string', description: 'Ref name, when the body has no `name`.' }],
      responses: {
        201: { description: 'Created.', schema: 'WorkflowWriteResult' },
        200: { description: 'An existing ref got a new version, or the body was unchanged.', schema: 'WorkflowWriteResult' },
        409: { description: 'The ref comes from pack files (STORE_CONFLICT).', schema: 'Error' },
        413: { description: 'The body exceeds HARMONIA_MAX_WORKFLOW_SIZE.', schema: 'Error' },
        415: { description: 'Not JSON or YAML.', schema: 'Error' },
        422: { description: 'Invalid; `details.diagnostics` lists every problem.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const { result, body } = await write(request, services, services.options.api_pack, jsonName(request));
        return { status: result.created ? 201 : 200, body };
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
      handler: async (request, services) => {
        const current = await createRegistry(services.store).getWorkflow(request.params.id ?? '');
        const name = current.ref.slice(current.ref.indexOf('.') + 1);
        const { body } = await write(request, services, current.pack_ref, name);
        return { body };
      },
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
      handler: async (request, services) => {
        const current = await createRegistry(services.store).getWorkflow(request.params.id ?? '');
        if (current.origin.source !== 'api') {
          throw new HarmoniaError('STORE_CONFLICT', `workflow '${current.ref}' comes from pack files; delete its file from the pack instead`, {
            details: { ref: current.ref },
          });
        }
        await services.store.registry.markDeleted('workflow', current.ref);
        return { body: { deleted: true, ref: current.ref } };
      },
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
