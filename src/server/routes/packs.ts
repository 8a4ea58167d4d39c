/** /api/packs: create, re-sync, list, read, delete, validate and sync packs from the packs folder. */
import { hasErrors } from '../../core/diagnostic.js';
import { HarmoniaError } from '../../core/errors.js';
import type { PackManifest } from '../../core/model.js';
import type { CreatePackRequest } from '../../core/wire.js';
import type { PackSyncOptions, PackSyncResult } from '../../packs/sync-packs.js';
import { errorResponse } from '../error-middleware.js';
import { defineRoutes, type AppServices, type RouteRequest } from '../route.js';
import { PAGE_QUERY, pageQuery } from './paging.js';

const SYNC_BODY = { types: ['json'] as const, schema: 'SyncRequest', required: false };

// A folder synced through the API is still a folder: its definitions come from files and
// are pruned when the files go, as after `harmonia sync` (origin 'api' is for definitions
// POSTed without a file). `force` only allows a sync that empties a pack or the tree; it
// never registers part of a pack with errors.
function syncOptions(request: RouteRequest): PackSyncOptions {
  const body = (request.body ?? {}) as { dry_run?: boolean; prune?: boolean; force?: boolean };
  return {
    origin: { source: 'local' },
    ...(body.dry_run !== undefined ? { dry_run: body.dry_run } : {}),
    ...(body.prune !== undefined ? { prune: body.prune } : {}),
    ...(body.force !== undefined ? { allow_empty: body.force } : {}),
  };
}

/** A single-pack sync whose files had errors registered nothing: a 422 carrying the result and every diagnostic. */
function syncOutcome(result: PackSyncResult) {
  if (hasErrors(result.errors)) {
    throw new HarmoniaError('PACK_INVALID', `pack '${result.pack_ref}' has ${result.errors.length} error(s): ${result.errors[0]?.message ?? ''}`, {
      details: { diagnostics: result.diagnostics, result },
    });
  }
  return { ...result, ok: true };
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
    422: { description: 'The pack has errors; `details.diagnostics`.', schema: 'Error' },
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
          sync = syncOutcome(await services.packs.syncPack(body.ref, { origin: { source: 'local' } }));
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
      responses: syncResponses,
      handler: async (request, services) => ({ body: syncOutcome(await services.packs.syncPack(request.params.ref ?? '', syncOptions(request))) }),
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
      responses: syncResponses,
      handler: async (request, services) => ({ body: syncOutcome(await services.packs.syncPack(request.params.ref ?? '', syncOptions(request))) }),
    },
    {
      method: 'POST',
      path: '/packs/:ref/workflows/validate',
      base: 'api',
      scope: 'read',
      tag: 'packs',
      summary: "Validate a pack's folder without registering anything: the same diagnostics as `harmonia validate`.",
      responses: { 200: { description: 'The report; `ok` is false when any file has errors.', schema: 'PackSyncResult' }, 404: notFound },
      handler: async (request, services) => {
        const report = await services.packs.validatePack(request.params.ref ?? '');
        return { body: { ...report, ok: report.error_count === 0 } };
      },
    },
    {
      method: 'POST',
      path: '/packs/sync',
      base: 'api',
      scope: 'admin',
      tag: 'packs',
      summary: 'Sync every pack folder; registered packs whose folder is gone are deleted unless `prune` is false.',
      body: SYNC_BODY,
      responses: {
        200: { description: 'One result per pack; `ok` is false when any pack had errors.', schema: 'PackSyncResult' },
        409: { description: 'The sync would delete every registered pack; pass force.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const result = await services.packs.syncAll(syncOptions(request));
        const packs = result.packs.map((p) => ({ ...p, ok: !hasErrors(p.errors) }));
        const diagnostics = result.packs.flatMap((p) => p.diagnostics);
        return { body: { ...result, packs, ok: packs.every((p) => p.ok), diagnostics } };
      },
    },
  ]);
}
