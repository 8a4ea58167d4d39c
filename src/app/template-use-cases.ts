/** Reading templates. */
import type { HarmoniaApi, TemplateListOptions } from '../core/harmonia-api.js';
import { createRegistry } from '../registry/create-registry.js';
import type { Store } from '../store/store.js';
import { pageOf } from './page.js';
import { templateDetail, templateView } from './views.js';

export type TemplateUseCases = Pick<HarmoniaApi, 'listTemplates' | 'getTemplate'>;

/** Creates the template reads over a store. */
export function createTemplateUseCases(store: Store): TemplateUseCases {
  return {
    async listTemplates(options: TemplateListOptions = {}) {
      const page = pageOf(options);
      const found = await store.registry.listActive({
        kind: 'template',
        ...(options.pack !== undefined ? { pack_ref: options.pack } : {}),
        ...(options.text !== undefined ? { text: options.text } : {}),
        ...page,
      });
      return { items: found.items.map(templateView), total: found.total, ...page };
    },
    async getTemplate(idOrRef) {
      return templateDetail(await createRegistry(store).getTemplate(idOrRef));
    },
  };
}
