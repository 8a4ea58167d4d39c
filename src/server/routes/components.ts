/** /api/components: remote components that serve actions over HTTP. */
import { defineRoutes } from '../route.js';
import { componentView } from '../views.js';
import { PAGE_QUERY, pageQuery } from './paging.js';

/** The component routes. */
export function componentRoutes() {
  const notFound = { description: 'No such component.', schema: 'Error' };
  return defineRoutes([
    {
      method: 'POST',
      path: '/components',
      base: 'api',
      scope: 'write',
      tag: 'components',
      summary: 'Register a component (or update the one with the same name).',
      body: { types: ['json'], schema: 'RegisterComponentRequest', required: true },
      responses: { 201: { description: 'Registered.', schema: 'ComponentView' }, 400: { description: 'Malformed.', schema: 'Error' } },
      handler: async (request, services) => ({ status: 201, body: componentView(await services.components.register(request.body)) }),
    },
    {
      method: 'GET',
      path: '/components',
      base: 'api',
      scope: 'read',
      tag: 'components',
      summary: 'List registered components.',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of the components.', schema: 'ComponentList' } },
      handler: async (request, services) => ({ body: await services.app.listComponents(pageQuery(request.query)) }),
    },
    {
      method: 'GET',
      path: '/components/:id',
      base: 'api',
      scope: 'read',
      tag: 'components',
      summary: 'One component by id or name.',
      responses: { 200: { description: 'The component.', schema: 'ComponentView' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getComponent(request.params.id ?? '') }),
    },
    {
      method: 'POST',
      path: '/components/:id/heartbeat',
      base: 'api',
      scope: 'write',
      tag: 'components',
      summary: 'Record that a component is alive.',
      responses: { 200: { description: 'The component with its new heartbeat time.', schema: 'ComponentView' }, 404: notFound },
      handler: async (request, services) => ({ body: componentView(await services.components.heartbeat(request.params.id ?? '')) }),
    },
    {
      method: 'POST',
      path: '/components/:id/test',
      base: 'api',
      scope: 'write',
      tag: 'components',
      summary: "Probe a component's `{base_url}/health` and report reachability and latency.",
      responses: { 200: { description: 'What the probe found (unreachable is a result, not an error).', schema: 'ComponentTestResult' }, 404: notFound },
      handler: async (request, services) => {
        const result = await services.components.test(request.params.id ?? '');
        return { body: { component_id: result.id, ok: result.healthy, ...result } };
      },
    },
    {
      method: 'DELETE',
      path: '/components/:id',
      base: 'api',
      scope: 'admin',
      tag: 'components',
      summary: 'Unregister a component.',
      responses: { 200: { description: 'Deleted.', schema: 'Deleted' }, 404: notFound },
      handler: async (request, services) => {
        await services.components.delete(request.params.id ?? '');
        return { body: { deleted: true, id: request.params.id } };
      },
    },
  ]);
}
