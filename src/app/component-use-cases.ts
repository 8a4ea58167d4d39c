/** Reading remote components. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ComponentService } from '../components/component-service.js';
import { pageItems, pageOf } from './page.js';
import { componentView } from './views.js';

export type ComponentUseCases = Pick<HarmoniaApi, 'listComponents' | 'getComponent'>;

/** Creates the component reads over the component service. */
export function createComponentUseCases(components: Pick<ComponentService, 'list' | 'get'>): ComponentUseCases {
  return {
    async listComponents(options = {}) {
      pageOf(options);
      return pageItems((await components.list()).map(componentView), options);
    },
    async getComponent(idOrName) {
      return componentView(await components.get(idOrName));
    },
  };
}
