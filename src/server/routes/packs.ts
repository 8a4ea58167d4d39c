/** /api/packs: create, re-sync, list, read, delete, validate and sync packs from the packs folder. */
import { HarmoniaError } from '../../core/errors.js';
import type { PackFailOn, SyncPackOptions } from '../../core/harmonia-api.js';
import type { PackManifest } from '../../core/model.js';
import type { CreatePackRequest } from '../../core/wire.js';
import { errorResponse } from '../error-middleware.js';
import { defineRoutes, type AppServices, type QueryParamDef, type RouteRequest } from '../route.js';
import { PAGE_QUERY, pageQuery } from './paging.js';

const SYNC_BODY = { types: ['json'] as const, schema: 'SyncRequest', required: false };

const FAIL_ON_QUERY: QueryParamDef[] = [
  {
    name: 'fail_on',
    type: 'string',
    description: 'none | error | warning: answer 422 (PACK_INVALID, the report in `details.result`) when any pack has an error, or an error or a warning. Default: error for one pack\'s sync, none otherwise.',
  },
  { name: 'strict', type: 'string', description: 'true | false; true is fail_on=warning: any error or warning fails the request (for CI).' },
];

/** The `fail_on` a request asks for: `strict=true` is `warning`. */
function failOnOf(request: RouteRequest): { failOn?: PackFailOn } {
  const { fail_on: failOn, strict } = request.query;
  if (strict !== undefined && strict !== 'true' && strict !== 'false') {
    throw new HarmoniaError('REQUEST_INVALID', `query parameter 'strict' must be true or false; got '${strict}'`, { details: { field: 'strict' } });
  }
  if (strict === 'true') {
    if (failOn !== undefined && failOn !== 'warning') {
      throw new HarmoniaError('REQUEST_INVALID', `strict=true is fail_on=warning; it cannot go with fail_on=${failOn}`, { details: { field: 'fail_on' } });
    }
    return { failOn: 'warning' };
  }
  return failOn !== undefined ? { failOn: failOn as PackFailOn } : {};
}

function syncOptions(request: RouteRequest): SyncPackOptions {
  const body = (request.body ?? {}) as { dry_run?: boolean; prune?: boolean; force?: boolean };
  return {
    ...(body.dry_run !== undefined ? { dryRun: body.dry_run } : {}),
    ...(body.prune !== undefined ? { prune: body.prune } : {}),
    ...(body.force !== undefined ? { force: body.force } : {}),
    ...failOnOf(request),
  };
}

/**
 * Registers a new pack, or throws PACK_EXISTS. The store's insert is atomic on both
 * backends, so of two racing creates (on one node or several) exactly one wins.
 */
async function createPackOnce(services: AppServices, manifest: PackManifest): Promise<void> {
  if ((await services.store.registry.insertPack(manifest)) === null) {
    throw new HarmoniaError('PACK_EXISTS', `pack '${manifest.ref}' already exists; use PUT /api/packs/${manifest.ref} to re-sync it`, {
      details: { pack_ref: manifest.ref },
    });
  }
}

/** The pack routes. */
export function packRoutes() {
  const notFound = { description: 'No such pack.', schema: 'Error' };
  const syncResponses = {
    200: { description: 'What the sync registered, left unchanged and pruned.', schema: 'PackSyncResult' },
    404: notFound,
    409: { description: 'The sync would prune every workflow; pass force.', schema: 'Error' },
    422: { description: 'The pack has errors (or, under fail_on=warning or strict, warnings): PACK_INVALID with `details.diagnostics` and `details.result`. fail_on=none answers 200 with `ok` false instead.', schema: 'Error' },
  };
  return defineRoutes([
    {
      method: 'POST',
      path: '/packs',
      base: 'api',
      scope: 'write',
      tag: 'packs',
      summary: "Register a pack and sync its folder; a failed sync is reported in `sync` and does not fail the create.",
      body: { types: ['json'], schema: 'CreatePackRequest', required: true },
      responses: {
        201: { description: 'Created; `sync` says what the automatic sync did.', schema: 'CreatePackResult' },
        409: { description: 'A pack with that ref exists.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const body = request.body as CreatePackRequest;
        const manifest: PackManifest = {
          ref: body.ref,
          version: body.version,
          dependencies: [],
          ...(body.label !== undefined ? { label: body.label } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        };
        await createPackOnce(services, manifest);
        let sync: unknown;
        try {
          sync = await services.app.syncPack(body.ref);
        } catch (error) {
          sync = { ok: false, error: errorResponse(error, request.request_id).body.error };
        }
        return { status: 201, body: { pack: await services.app.getPack(body.ref), sync } };
      },
    },
    {
      method: 'PUT',
      path: '/packs/:ref',
      base: 'api',
      scope: 'write',
      tag: 'packs',
      summary: "Re-sync a pack from its folder.",
      body: SYNC_BODY,
      query: FAIL_ON_QUERY,
      responses: syncResponses,
      handler: async (request, services) => ({ body: await services.app.syncPack(request.params.ref ?? '', syncOptions(request)) }),
    },
    {
      method: 'GET',
      path: '/packs',
      base: 'api',
      scope: 'read',
      tag: 'packs',
      summary: 'List registered packs with their workflow counts.',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of the packs, ordered by ref.', schema: 'PackList' } },
      handler: async (request, services) => ({ body: await services.app.listPacks(pageQuery(request.query)) }),
    },
    {
      method: 'GET',
      path: '/packs/:ref',
      base: 'api',
      scope: 'read',
      tag: 'packs',
      summary: 'One registered pack.',
      responses: { 200: { description: 'The pack.', schema: 'PackView' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getPack(request.params.ref ?? '') }),
    },
    {
      method: 'DELETE',
      path: '/packs/:ref',
      base: 'api',
      scope: 'admin',
      tag: 'packs',
      summary: 'Unregister a pack; its definitions are marked deleted and their versions kept.',
      responses: { 200: { description: 'What was pruned.', schema: 'Deleted' }, 404: notFound, 409: { description: 'Another pack uses one of its definitions.', schema: 'Error' } },
      handler: async (request, services) => ({ body: { deleted: true, ...(await services.packs.deletePack(request.params.ref ?? '')) } }),
    },
    {
      method: 'POST',
      path: '/packs/:ref/workflows/sync',
      base: 'api',
      scope: 'write',
      tag: 'packs',
      summary: "Sync a pack's workflows (and its other definitions) from its folder.",
      body: SYNC_BODY,
      query: FAIL_ON_QUERY,
      responses: syncResponses,
      handler: async (request, services) => ({ body: await services.app.syncPack(request.params.ref ?? '', syncOptions(request)) }),
    },
    {
      method: 'POST',
      path: '/packs/:ref/workflows/validate',
      base: 'api',
      scope: 'read',
      tag: 'packs',
      summary: "Validate a pack's folder without registering anything: the same diagnostics as `harmonia validate`.",
      query: FAIL_ON_QUERY,
      responses: {
        200: { description: 'The report; `ok` is false when any file has errors.', schema: 'PackSyncResult' },
        404: notFound,
        422: { description: 'Under fail_on (or strict), the pack has errors (or warnings): PACK_INVALID, the report in `details.result`.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.validatePack(request.params.ref ?? '', failOnOf(request)) }),
    },
    {
      method: 'POST',
      path: '/packs/validate',
      base: 'api',
      scope: 'read',
      tag: 'packs',
      summary: 'Validate every pack folder without registering anything; with `strict=true` (or `fail_on`) a CI gate that answers 422 on problems.',
      query: FAIL_ON_QUERY,
      responses: {
        200: { description: 'One report per pack; `ok` is false when any pack has errors.', schema: 'PackSyncResult' },
        422: { description: 'Under fail_on (or strict), a pack has errors (or warnings): PACK_INVALID, the reports in `details.result`.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.validateAllPacks(failOnOf(request)) }),
    },
    {
      method: 'POST',
      path: '/packs/sync',
      base: 'api',
      scope: 'admin',
      tag: 'packs',
      summary: 'Sync every pack folder; registered packs whose folder is gone are deleted unless `prune` is false.',
      body: SYNC_BODY,
      query: FAIL_ON_QUERY,
      responses: {
        200: { description: 'One result per pack; `ok` is false when any pack had errors.', schema: 'PackSyncResult' },
        409: { description: 'The sync would delete every registered pack; pass force.', schema: 'Error' },
        422: { description: 'Under fail_on (or strict), a pack has errors (or warnings): PACK_INVALID, the results in `details.result`.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.syncAllPacks(syncOptions(request)) }),
    },
  ]);
}
