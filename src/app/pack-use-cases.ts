/** Reading packs: the registered ones with their definition counts. */
import { HarmoniaError } from '../core/errors.js';
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { Store } from '../store/store.js';
import { pageItems, pageOf } from './page.js';
import { packView } from './views.js';

export type PackUseCases = Pick<HarmoniaApi, 'listPacks' | 'getPack'>;

/** Creates the pack reads over a store. */
export function createPackUseCases(store: Store): PackUseCases {
  return {
    async listPacks(options = {}) {
      pageOf(options);
      // Two reads whatever the number of packs: the rows, then every count grouped.
      const [records, counts] = await Promise.all([store.registry.listPacks(), store.registry.countDefinitionsByPack()]);
      return pageItems(records.map((record) => packView(record, counts.get(record.ref))), options);
    },
    async getPack(ref) {
      const record = await store.registry.getPack(ref);
      if (record === null) throw new HarmoniaError('PACK_NOT_FOUND', `pack '${ref}' is not registered`, { details: { pack_ref: ref } });
      const counts = {
        workflow: await store.registry.countByPack('workflow', ref),
        template: await store.registry.countByPack('template', ref),
        action: await store.registry.countByPack('action', ref),
      };
      return packView(record, counts);
    },
  };
}
