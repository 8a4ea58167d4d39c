/** /api/workflows/:id/history, diff, rollback and unpin: the GitOps view of a workflow's versions. */
import { HarmoniaError } from '../../core/errors.js';
import { getDefinitionHistory } from '../../gitops/definition-history.js';
import { diffDefinitionVersions } from '../../gitops/diff-versions.js';
import { rollbackDefinition, unpinDefinition } from '../../gitops/rollback.js';
import { createRegistry } from '../../registry/create-registry.js';
import { defineRoutes, type AppServices, type RouteRequest } from '../route.js';

/** The ref a path names: a ref (pruned ones included, for their history) or a version id. */
async function refOf(request: RouteRequest, services: AppServices): Promise<string> {
  const id = request.params.id ?? '';
  if (await services.store.registry.getHead('workflow', id)) return id;
  return (await createRegistry(services.store).getWorkflow(id)).ref;
}

function requiredQuery(request: RouteRequest, name: string): string {
  const value = request.query[name]?.trim();
  if (value === undefined || value === '') {
    throw new HarmoniaError('REQUEST_INVALID', `query parameter '${name}' is required: a version number or a commit sha (4+ hex digits)`);
  }
  return value;
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
      summary: 'Every stored version of a workflow with the commit (sha, author, date, message) it came from, oldest first.',
      responses: { 200: { description: 'The history.', schema: 'DefinitionHistory' }, 404: NOT_FOUND },
      handler: async (request, services) => {
        const history = await getDefinitionHistory(services.store, 'workflow', await refOf(request, services));
        return {
          body: {
            kind: history.kind,
            ref: history.ref,
            active_version: history.head.active_version,
            latest_version: history.head.latest_version,
            pinned: history.head.pinned,
            items: history.entries,
          },
        };
      },
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
        const from = requiredQuery(request, 'from');
        const to = requiredQuery(request, 'to');
        const context = request.query.context === undefined ? 3 : /^\d{1,4}$/.test(request.query.context) ? Number(request.query.context) : Number.NaN;
        if (!Number.isInteger(context) || context < 0 || context > 1000) {
          throw new HarmoniaError('REQUEST_INVALID', `query parameter 'context' is '${request.query.context ?? ''}'; expected an integer 0..1000`);
        }
        const ref = await refOf(request, services);
        const result = await diffDefinitionVersions(services.store, { kind: 'workflow', ref, from, to, context });
        const side = (record: typeof result.from) => ({ version: record.version, commit: record.origin.commit ?? null });
        return { body: { ref, from: side(result.from), to: side(result.to), identical: result.diff === '', diff: result.diff } };
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
