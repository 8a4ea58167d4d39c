/**
 * The REST pack routes' sync service when several git sources are followed: a pack is
 * synced or validated from the clone of the source whose checkout holds it. Syncing
 * everything at once would prune each source's packs by another's folder, so it is refused.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarmoniaError } from '../core/errors.js';
import type { PackSyncService } from '../packs/sync-packs.js';

export interface SourceSyncService {
  packsDir: string;
  service: PackSyncService;
}

/**
 * Creates the routed service over each source's service, in configuration order.
 * @example
 * const packs = routedPackSyncService([{ packsDir: platformDir, service: platform }, { packsDir: dataDir, service: data }]);
 */
export function routedPackSyncService(sources: readonly SourceSyncService[]): PackSyncService {
  const [first] = sources;
  if (!first) throw new HarmoniaError('INTERNAL', 'a routed pack sync service needs at least one source');
  const holder = async (packRef: string): Promise<PackSyncService> => {
    for (const source of sources) {
      const found = await stat(join(source.packsDir, packRef)).then((s) => s.isDirectory(), () => false);
      if (found) return source.service;
    }
    // The first source answers PACK_NOT_FOUND for a pack no checkout holds.
    return first.service;
  };
  return {
    syncPack: async (packRef, options) => (await holder(packRef)).syncPack(packRef, options),
    validatePack: async (packRef, options) => (await holder(packRef)).validatePack(packRef, options),
    deletePack: (packRef, options) => first.service.deletePack(packRef, options),
    countPackWorkflows: (packRef) => first.service.countPackWorkflows(packRef),
    // Validation registers nothing, so every source's packs can be checked in one call.
    validateAll: async (options) => {
      const reports = [];
      for (const source of sources) reports.push(...(await source.service.validateAll(options)));
      return reports.sort((a, b) => (a.pack_ref < b.pack_ref ? -1 : a.pack_ref > b.pack_ref ? 1 : 0));
    },
    syncAll: async () => {
      throw new HarmoniaError(
        'USAGE_INVALID',
        'the server follows several git sources; sync one with POST /api/v1/git/sources/{source}/sync, or one pack with POST /api/v1/packs/{ref}/sync',
      );
    },
  };
}
