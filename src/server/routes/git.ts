/**
 * /api/git: the git source behind GitOps mode — webhook deliveries (authenticated by
 * the git host's signature over the raw body, not by a bearer token), status, and a
 * sync now (optionally pinned to a tag or commit).
 */
import { HarmoniaError, isHarmoniaError, type ErrorCode } from '../../core/errors.js';
import type { GitSourceSet } from '../../gitops/git-source-set.js';
import type { GitSyncController } from '../../gitops/git-sync-controller.js';
import type { GitSyncReport } from '../../gitops/git-sync-run.js';
import { headerValue } from '../../gitops/webhook.js';
import { hasScope } from '../auth.js';
import { ERROR_STATUS } from '../../core/error-status.js';
import { defineRoutes, type AppServices, type RouteRequest, type RouteResponse } from '../route.js';
import { pageItems, pageOf } from '../../app/page.js';
import { PAGE_QUERY, pageQuery } from './paging.js';

const SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-gitlab-token', 'x-harmonia-token'] as const;

function sourcesOf(services: AppServices): GitSourceSet {
  if (services.git_sources === null) {
    throw new HarmoniaError('NOT_FOUND', 'no git source configured; set HARMONIA_GIT_URL or HARMONIA_GIT_SOURCES (or `harmonia serve --git URL`)');
  }
  return services.git_sources;
}

/** The source a route names (`:source`), or the only one for the routes that name none. */
function gitOf(services: AppServices, request?: RouteRequest): GitSyncController {
  const name = request?.params.source;
  return name === undefined ? sourcesOf(services).only() : sourcesOf(services).get(name);
}

/** The answer to a finished sync run: the report, or an error carrying it. */
export function syncResponse(report: GitSyncReport): RouteResponse {
  if (report.outcome !== 'failed' && report.outcome !== 'refused') return { body: report };
  const code = (report.error?.code ?? 'INTERNAL') as ErrorCode;
  // A failed fetch is the remote's fault (502); an unknown ref is the caller's (404).
  const status = ERROR_STATUS[code] ?? 500;
  return {
    status: status === 500 && report.commit === null ? 502 : status,
    body: { error: { code, message: report.error?.message ?? `git sync ${report.outcome}`, details: { report } } },
  };
}

async function webhook(request: RouteRequest, services: AppServices): Promise<RouteResponse> {
  const headers = request.koa.req.headers;
  const signed = SIGNATURE_HEADERS.some((name) => headerValue(headers, name) !== undefined);
  // Authentication comes first, as on every other route: an unsigned request learns nothing.
  if (!signed) {
    throw new HarmoniaError(
      'AUTH_REQUIRED',
      "missing webhook signature; expected 'x-hub-signature-256', 'x-gitlab-token' or 'x-harmonia-token'",
    );
  }
  const delivery = { headers, rawBody: request.body_raw ?? Buffer.alloc(0) };
  const set = sourcesOf(services);
  // A sender that is not yet authenticated must not learn the sources' names.
  if (request.params.source !== undefined && !set.list().some((c) => c.name === request.params.source)) {
    throw new HarmoniaError('NOT_FOUND', 'unknown git source');
  }
  // The shared URL with several sources: the secret that signed it, then the repository the payload names, pick the source.
  const answer = request.params.source === undefined && set.list().length > 1 ? set.routeWebhook(delivery) : gitOf(services, request).handleWebhook(delivery);
  if (answer.status === 401) {
    const reason = (answer.body.error as { message?: string } | undefined)?.message ?? 'webhook signature refused';
    throw new HarmoniaError('AUTH_REQUIRED', reason);
  }
  if (answer.sync) {
    // The host only wants to know the delivery was accepted; the run reports through events and status.
    answer.sync.then(
      (report) => {
        if (report.outcome === 'failed') services.logger.warn({ report: { outcome: report.outcome, error: report.error } }, 'git sync failed');
      },
      (error: unknown) => services.logger.error({ err: error }, 'git sync crashed'),
    );
  }
  const body = answer.body.duplicate === true ? { ...answer.body, reason: 'delivery already seen; ignored' } : answer.body;
  return { status: answer.status, body };
}

async function sync(request: RouteRequest, services: AppServices): Promise<RouteResponse> {
  const body = (request.body ?? {}) as { ref?: string };
  if (body.ref !== undefined && !hasScope(request.principal, 'admin')) {
    throw new HarmoniaError(
      'AUTH_FORBIDDEN',
      `token '${request.principal.id}' has scopes [${request.principal.scopes.join(', ')}]; pinning a deployment with 'ref' needs 'admin'`,
      { details: { required_scope: 'admin' } },
    );
  }
  const git = gitOf(services, request);
  if (git.role?.() === 'follower') return passToLeader(git, body.ref);
  try {
    const report = body.ref !== undefined ? await git.syncAt(body.ref) : await git.syncNow({ force: true });
    return syncResponse(report);
  } catch (error) {
    // syncAt writes the pin file first; a failure there is the server's, not the remote's.
    if (isHarmoniaError(error)) throw error;
    throw new HarmoniaError('INTERNAL', 'git sync failed unexpectedly', { cause: error });
  }
}

/**
 * POST /git/sync on a node that does not lead git polling: only the leader writes the
 * registry. A plain sync is passed on (202); a pin is refused, since this node cannot
 * tell whether the ref exists or report the run.
 */
async function passToLeader(git: GitSyncController, ref: string | undefined): Promise<RouteResponse> {
  const status = await git.status();
  const leader = status.node?.leader ?? null;
  const named = leader === null ? 'the node leading git polling' : `node '${leader}', which leads git polling`;
  if (ref !== undefined) {
    throw new HarmoniaError(
      'PACK_SYNC_REFUSED',
      `this node ('${status.node?.node_id ?? ''}') does not lead git polling; send the pin to '${ref}' to ${named} (its log says 'leading')`,
      { details: { role: 'follower', leader } },
    );
  }
  await git.passToLeader?.();
  return {
    status: 202,
    body: { accepted: true, reason: `passed to ${named}; watch GET /api/v1/git/status for the synced commit`, leader, node: status.node },
  };
}

/** The git routes. */
export function gitRoutes() {
  return defineRoutes([
    {
      method: 'POST',
      path: '/git/webhook',
      base: 'api',
      scope: 'webhook',
      tag: 'git',
      summary:
        'A push webhook from GitHub (X-Hub-Signature-256), GitLab (X-Gitlab-Token) or any sender (X-Harmonia-Token): ' +
        'verified against HARMONIA_GIT_WEBHOOK_SECRET before anything is fetched; a sync is queued and not awaited. With several ' +
        'sources, the one whose secret signed it (and, among those sharing a secret, the repository the payload names) is synced.',
      body: { types: ['json'], schema: 'GitWebhookPayload', required: false, raw: true },
      responses: {
        202: { description: 'Verified; a sync was queued.', schema: 'GitWebhookResult' },
        200: { description: 'Verified, nothing to do: a replayed delivery id (`duplicate: true`), a ping, a push to another branch.', schema: 'GitWebhookResult' },
        401: { description: 'Missing or wrong signature; nothing was fetched.', schema: 'Error' },
        404: { description: 'No git source is configured.', schema: 'Error' },
        413: { description: 'The body exceeds max_body_bytes.', schema: 'Error' },
      },
      handler: webhook,
    },
    {
      method: 'GET',
      path: '/git/status',
      base: 'api',
      scope: 'read',
      tag: 'git',
      summary: 'What is checked out, what the last sync did, and a status per pack and workflow (Synced, OutOfSync, Invalid, Pinned).',
      responses: {
        200: { description: 'The git sync status.', schema: 'GitStatus' },
        400: { description: 'Several git sources are configured (USAGE_INVALID, `details.sources`): read /git/sources/{source}.', schema: 'Error' },
        404: { description: 'No git source is configured.', schema: 'Error' },
      },
      handler: async (_request, services) => ({ body: await gitOf(services).status() }),
    },
    {
      method: 'GET',
      path: '/git/sources',
      base: 'api',
      scope: 'read',
      tag: 'git',
      summary:
        'Every git source the server follows (HARMONIA_GIT_SOURCES, or the one of HARMONIA_GIT_URL, named `default`): ' +
        'where each stands, its packs, conflicts and drift counts.',
      query: PAGE_QUERY,
      responses: {
        200: { description: 'A page of the sources, in configuration order.', schema: 'GitSourceList' },
        404: { description: 'No git source is configured.', schema: 'Error' },
      },
      handler: async (request, services) => {
        const page = pageQuery(request.query);
        pageOf(page);
        return { body: pageItems(await sourcesOf(services).summaries(), page) };
      },
    },
    {
      method: 'GET',
      path: '/git/sources/:source',
      base: 'api',
      scope: 'read',
      tag: 'git',
      summary: 'One source\'s status: checkout, last run, refused commit, packs (with conflicts), workflows, and drift per definition.',
      responses: {
        200: { description: 'The source\'s status.', schema: 'GitStatus' },
        404: { description: 'No source of that name (the message lists the configured ones).', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await gitOf(services, request).status() }),
    },
    {
      method: 'POST',
      path: '/git/sources/:source/sync',
      base: 'api',
      scope: 'write',
      tag: 'git',
      summary: 'Fetch and sync one source now; `{"ref"}` (admin) pins it to a tag or sha, as POST /git/sync does for a single source.',
      body: { types: ['json'], schema: 'GitSyncRequest', required: false },
      responses: {
        200: { description: 'Synced (fully, partly or unchanged).', schema: 'GitSyncReport' },
        202: { description: 'Passed to the node leading this source\'s polling.', schema: 'GitWebhookResult' },
        403: { description: 'The token lacks the scope (`ref` needs admin).', schema: 'Error' },
        404: { description: 'No source of that name, or `ref` is unknown (`details.report`).', schema: 'Error' },
        409: { description: 'The run was refused (`details.report`).', schema: 'Error' },
        502: { description: 'The remote could not be fetched; `details.report`.', schema: 'Error' },
      },
      handler: sync,
    },
    {
      method: 'POST',
      path: '/git/sources/:source/webhook',
      base: 'api',
      scope: 'webhook',
      tag: 'git',
      summary: 'A push webhook for one source, verified against that source\'s secret; otherwise as POST /git/webhook.',
      body: { types: ['json'], schema: 'GitWebhookPayload', required: false, raw: true },
      responses: {
        202: { description: 'Verified; a sync of the source was queued.', schema: 'GitWebhookResult' },
        200: { description: 'Verified, nothing to do (a replay, a ping, a push to another branch).', schema: 'GitWebhookResult' },
        401: { description: 'Missing or wrong signature; nothing was fetched.', schema: 'Error' },
        404: { description: 'No source of that name.', schema: 'Error' },
        413: { description: 'The body exceeds max_body_bytes.', schema: 'Error' },
      },
      handler: webhook,
    },
    {
      method: 'POST',
      path: '/git/sync',
      base: 'api',
      scope: 'write',
      tag: 'git',
      summary:
        'Fetch and sync now; the answer is the run\'s report. `{"ref"}` (admin) pins the deployment to a tag or sha ' +
        '(polls and webhooks then re-sync it) until the branch\'s name is given.',
      body: { types: ['json'], schema: 'GitSyncRequest', required: false },
      responses: {
        200: { description: 'Synced (fully, partly or unchanged).', schema: 'GitSyncReport' },
        202: {
          description: 'Sent to a node that does not lead git polling (several nodes): passed to the leader, which syncs; nothing is awaited.',
          schema: 'GitWebhookResult',
        },
        403: { description: 'The token lacks the scope (`ref` needs admin).', schema: 'Error' },
        404: { description: 'No git source is configured, or `ref` is unknown (`details.report`).', schema: 'Error' },
        409: {
          description: 'The run was refused (it would delete every synced pack; `details.report`), or `ref` was sent to a node that does not lead git polling.',
          schema: 'Error',
        },
        502: { description: 'The remote could not be fetched; `details.report`.', schema: 'Error' },
      },
      handler: sync,
    },
  ]);
}
