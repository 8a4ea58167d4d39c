/** /api/workflows/:id/history, diff, rollback and unpin: the GitOps view of a workflow's versions. */
import { rollbackDefinition, unpinDefinition } from '../../gitops/rollback.js';
import { createRegistry } from '../../registry/create-registry.js';
import { defineRoutes, type AppServices, type RouteRequest } from '../route.js';
import { intOption, PAGE_QUERY, pageQuery } from './paging.js';

/** The ref a path names: a ref (pruned ones included, for their history) or a version id. */
async function refOf(request: RouteRequest, services: AppServices): Promise<string> {
  const id = request.params.id ?? '';
  if (await services.store.registry.getHead('workflow', id)) return id;
  return (await createRegistry(services.store).getWorkflow(id)).ref;
}

const NOT_FOUND = { description: 'Unknown workflow, version or commit.', schema: 'Error' } as const;

/** The history, diff, rollback and unpin routes of workflows. */
export function workflowHistoryRoutes() {
  return defineRoutes([
    {
      method: 'GET',
      path: '/workflows/:id/history',
      base: 'api',
      scope: 'read',
      tag: 'workflows',
      summary: 'The stored versions of a workflow with the commit (sha, author, date, message) each came from, oldest first, a page at a time.',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of the history.', schema: 'DefinitionHistory' }, 404: NOT_FOUND },
      handler: async (request, services) => ({ body: await services.app.getWorkflowHistory(request.params.id ?? '', pageQuery(request.query)) }),
    },
    {
      method: 'GET',
      path: '/workflows/:id/diff',
      base: 'api',
      scope: 'read',
      tag: 'workflows',
      summary: 'A unified diff of the YAML of two versions, each named by version number or commit sha.',
      query: [
        { name: 'from', type: 'string', description: 'The old side: a version number or a commit sha (4+ hex digits).' },
        { name: 'to', type: 'string', description: 'The new side: a version number or a commit sha.' },
        { name: 'context', type: 'integer', description: 'Unchanged lines around each change (default 3).' },
      ],
      responses: {
        200: { description: 'The diff; `identical` when the sources are equal.', schema: 'VersionDiff' },
        400: { description: '`from` or `to` is missing, or a sha prefix is ambiguous.', schema: 'Error' },
        404: NOT_FOUND,
      },
      handler: async (request, services) => {
        const context = intOption(request.query, 'context');
        const { from = '', to = '' } = request.query;
        return { body: await services.app.diffWorkflowVersions(request.params.id ?? '', from, to, context === undefined ? {} : { context }) };
      },
    },
    {
      method: 'POST',
      path: '/workflows/:id/rollback',
      base: 'api',
      scope: 'write',
      tag: 'workflows',
      summary:
        'Make an older version active again (by version number or commit sha) and pin it, so git syncs do not undo it ' +
        'until unpin. Running executions keep their version.',
      body: { types: ['json'], schema: 'RollbackRequest', required: true },
      responses: { 200: { description: 'The version change.', schema: 'PinChange' }, 404: NOT_FOUND },
      handler: async (request, services) => {
        const { to } = request.body as { to: string | number };
        const ref = await refOf(request, services);
        return { body: await rollbackDefinition(services.store, { kind: 'workflow', ref, to }) };
      },
    },
    {
      method: 'POST',
      path: '/workflows/:id/unpin',
      base: 'api',
      scope: 'write',
      tag: 'workflows',
      summary: 'Clear a rollback pin: the newest version becomes active and git syncs move the workflow again.',
      responses: { 200: { description: 'The version change.', schema: 'PinChange' }, 404: NOT_FOUND },
      handler: async (request, services) => {
        const ref = await refOf(request, services);
        return { body: await unpinDefinition(services.store, { kind: 'workflow', ref }) };
      },
    },
  ]);
}
