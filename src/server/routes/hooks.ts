/** /api/v1/hooks: deliveries to the `webhook:` triggers workflows declare. */
import { createSystemClock } from '../../engine/clock.js';
import { receiveWebhook } from '../../triggers/receive-webhook.js';
import { isTokenDelivery } from '../mount-routes.js';
import { parseRawJson } from '../read-body.js';
import { defineRoutes } from '../route.js';

/** The webhook trigger route. */
export function hookRoutes() {
  return defineRoutes([
    {
      method: 'POST',
      path: '/hooks/:pack/:workflow/:trigger',
      base: 'api',
      scope: 'webhook',
      tag: 'schedules',
      summary:
        "Start an execution of workflow {pack}.{workflow} through its webhook trigger {trigger}: the body (JSON) is mapped to the input by the trigger's expressions. " +
        'Signed with X-Hub-Signature-256 (HMAC-SHA256 of the body) or carrying X-Harmonia-Token, with the secret the server holds in the variable the trigger names; ' +
        'or, for a trigger with auth: token or any, carrying an API token with the trigger scope (or write, admin) in Authorization: Bearer.',
      body: { types: ['json'], required: false, raw: true },
      responses: {
        200: { description: 'A delivery whose id (X-GitHub-Delivery, X-Harmonia-Delivery, ...) was received before: its fire, recorded skipped, names the execution the first started; nothing new starts.', schema: 'ScheduleFire' },
        201: { description: 'The fire and the execution it started.', schema: 'ScheduleFire' },
        400: { description: 'The body is not JSON, not UTF-8, or nests too deep.', schema: 'Error' },
        401: { description: 'Missing or wrong signature.', schema: 'Error' },
        403: { description: 'The server has no secret for this trigger, the token lacks the trigger scope, or the trigger does not accept this kind of proof.', schema: 'Error' },
        404: { description: 'No such webhook trigger.', schema: 'Error' },
        415: { description: 'The body is not declared application/json, or is sent in a content coding (gzip).', schema: 'Error' },
        422: { description: 'The workflow refused the mapped input.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const { fire, repeated } = await receiveWebhook({
          store: services.store,
          engine: services.engine,
          clock: createSystemClock(),
          secret: services.trigger_secret,
          workflow_ref: `${request.params.pack ?? ''}.${request.params.workflow ?? ''}`,
          name: request.params.trigger ?? '',
          headers: request.koa.req.headers,
          rawBody: request.body_raw ?? Buffer.alloc(0),
          parse_body: (raw) => parseRawJson(raw, request.koa.get('Content-Type') || undefined),
          learn_secret: (secret) => services.engine.secrets.add([secret]),
          token_id: isTokenDelivery(request.principal) ? request.principal.id : null,
        });
        // A delivery received before started nothing: 200, not 201, so a sender sees its retry landed.
        return { status: repeated ? 200 : 201, body: fire };
      },
    },
  ]);
}
