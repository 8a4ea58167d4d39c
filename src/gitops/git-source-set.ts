/**
 * The git sources a server follows, by name: one controller each (its own clone, poll,
 * webhook secret and status), a summary of all of them, and the shared webhook URL that
 * finds the source a delivery is for. Koa-free: the server maps these calls to routes.
 */
import { HarmoniaError } from '../core/errors.js';
import type { DriftState } from './definition-drift.js';
import type { GitReadiness, GitSyncController, GitSyncStatus, WebhookRequest, WebhookResponse } from './git-sync-controller.js';
import type { PackEvents } from './pack-events.js';
import { payloadNamesRepository, payloadRepositories } from './webhook-repository.js';

/** One line of `GET /git/sources`: where a source stands, without its per-definition detail. */
export interface GitSourceSummary {
  name: string;
  url: string;
  branch: string;
  path: string;
  pinned_ref: string | null;
  poll_interval_seconds: number;
  webhook_enabled: boolean;
  syncing: boolean;
  head: GitSyncStatus['head'];
  synced_commit: string | null;
  /** The last run's outcome and end (null before the first run; on a follower node, runs are the leader's). */
  last_outcome: string | null;
  last_sync_at: string | null;
  refused: GitSyncStatus['refused'];
  /** Packs the source syncs, and those of them it could not (invalid, or claimed by another source too). */
  packs: number;
  invalid_packs: string[];
  /** Packs another source's checkout holds too: refused by both until one lets go. */
  conflicts: Array<{ pack_ref: string; sources: string[] }>;
  /** Definitions per drift state (Synced, OutOfSync, Missing, Extra). */
  drift: Record<DriftState, number>;
  /** `Synced` when every definition is, else `OutOfSync`: the source's health at a glance, as Argo CD shows an application's. */
  sync_status: 'Synced' | 'OutOfSync';
  node?: GitSyncStatus['node'];
}

/** What the shared webhook URL answers, with the sources the delivery went to. */
export interface RoutedWebhookResponse extends WebhookResponse {
  sources: string[];
}

export interface GitSourceSet {
  /** The pack events of every source. */
  readonly events: PackEvents;
  /** Every source, in configuration order. */
  list(): GitSyncController[];
  /**
   * The source of that name.
   * Thrown when there is none: NOT_FOUND naming the configured ones.
   */
  get(name: string): GitSyncController;
  /**
   * The one source, for the routes that name none.
   * Thrown when several are configured: USAGE_INVALID naming them.
   */
  only(): GitSyncController;
  summaries(): Promise<GitSourceSummary[]>;
  /** A delivery to the shared URL: verified against each source's secret, then given to the sources it names (by repository in the payload). */
  routeWebhook(request: WebhookRequest): RoutedWebhookResponse;
  /** Ready when every source is (a node whose checkout of any source lags is not). */
  readiness(): GitReadiness;
  stop(): Promise<void>;
}

/** A summary of one source's full status. */
export function summarizeGitStatus(status: GitSyncStatus): GitSourceSummary {
  const drift: Record<DriftState, number> = { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0 };
  for (const item of status.drift) drift[item.state] += 1;
  const conflicts = status.packs.flatMap((pack) => (pack.claimed_by ? [{ pack_ref: pack.pack_ref, sources: pack.claimed_by }] : []));
  const outOfSync = drift.OutOfSync + drift.Missing + drift.Extra > 0 || status.refused !== null || status.packs.some((p) => p.state === 'invalid');
  return {
    name: status.source,
    url: status.url,
    branch: status.branch,
    path: status.path,
    pinned_ref: status.pinned_ref,
    poll_interval_seconds: status.poll_interval_seconds,
    webhook_enabled: status.webhook_enabled,
    syncing: status.syncing,
    head: status.head,
    synced_commit: status.synced_commit,
    last_outcome: status.last_sync?.outcome ?? null,
    last_sync_at: status.last_sync?.finished_at ?? null,
    refused: status.refused,
    packs: status.packs.length,
    invalid_packs: status.packs.filter((p) => p.state === 'invalid').map((p) => p.pack_ref),
    conflicts,
    drift,
    sync_status: outOfSync ? 'OutOfSync' : 'Synced',
    ...(status.node ? { node: status.node } : {}),
  };
}

/**
 * Creates the set over controllers with distinct names.
 * @example
 * const sources = createGitSourceSet([platform, data], events);
 * const status = await sources.get('platform').status();
 */
export function createGitSourceSet(controllers: readonly GitSyncController[], events: PackEvents): GitSourceSet {
  const byName = new Map(controllers.map((controller) => [controller.name, controller]));
  const names = () => controllers.map((c) => `'${c.name}'`).join(', ');
  return {
    events,
    list: () => [...controllers],
    get(name) {
      const found = byName.get(name);
      if (!found) {
        throw new HarmoniaError('NOT_FOUND', `unknown git source '${name}'; the server follows ${names() || 'no git source'}`, {
          details: { source: name, sources: controllers.map((c) => c.name) },
        });
      }
      return found;
    },
    only() {
      const [first, ...rest] = controllers;
      if (first && rest.length === 0) return first;
      throw new HarmoniaError(
        'USAGE_INVALID',
        `the server follows several git sources (${names()}); name one: /api/v1/git/sources/{source}`,
        { details: { sources: controllers.map((c) => c.name) } },
      );
    },
    summaries: async () => Promise.all(controllers.map(async (controller) => summarizeGitStatus(await controller.status()))),
    routeWebhook(request) {
      const signed = controllers.filter((controller) => controller.verifiesSignature(request));
      if (signed.length === 0) {
        return { status: 401, body: { error: { code: 'AUTH_REQUIRED', message: 'webhook signature matches no git source\'s secret' } }, sync: null, sources: [] };
      }
      // Only now, verified, is the body read: it names the repository when several sources share a secret.
      const payload = payloadRepositories(request.rawBody);
      const named = signed.filter((controller) => payloadNamesRepository(payload, controller.url));
      const chosen = named.length > 0 ? named : signed;
      const answers = chosen.map((controller) => ({ source: controller.name, answer: controller.handleWebhook(request) }));
      const [one] = answers;
      if (one && answers.length === 1) return { ...one.answer, body: { ...one.answer.body, source: one.source }, sources: [one.source] };
      const syncs = answers.flatMap((a) => (a.answer.sync ? [a.answer.sync] : []));
      return {
        status: answers.some((a) => a.answer.status === 202) ? 202 : 200,
        body: { accepted: answers.some((a) => a.answer.status === 202), sources: answers.map((a) => ({ source: a.source, status: a.answer.status, ...a.answer.body })) },
        sync: syncs[0] ?? null,
        sources: answers.map((a) => a.source),
      };
    },
    readiness() {
      for (const controller of controllers) {
        const ready = controller.readiness?.() ?? { ready: true };
        if (!ready.ready) return { ready: false, reason: `git source '${controller.name}': ${ready.reason ?? 'not ready'}` };
      }
      return { ready: true };
    },
    stop: async () => {
      await Promise.all(controllers.map((controller) => controller.stop()));
    },
  };
}
