/**
 * The git controller as the routes see it on a node of a cluster (several nodes on one
 * PostgreSQL database). One node leads git polling and syncs the registry; the others
 * follow: they keep their own clone on the commit the leader synced, for the pack
 * actions they run, and pass webhooks and manual syncs on to the leader.
 */
import type { GitFollower } from './git-follower.js';
import type { GitNodeStatus, GitReadiness, GitSyncController, GitSyncStatus } from './git-sync-controller.js';
import type { GitSyncReport } from './git-sync-run.js';
import { verifyWebhook } from './webhook.js';

export interface ClusterGitSyncOptions {
  /** This node's controller: it runs only while this node leads. */
  controller: GitSyncController;
  follower: GitFollower;
  node_id: string;
  /** Whether this node leads git polling now. */
  isLeader: () => boolean;
  /** Asks the leader to fetch and sync now (a nudge). */
  nudge: () => Promise<void>;
  /** The webhook secret; null refuses every webhook. */
  webhookSecret: string | null;
  /** A nudge that could not be sent. */
  onNudgeError?: (error: unknown) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Wraps a node's controller for a cluster: role-aware status, readiness and webhooks.
 * @example
 * const git = createClusterGitSync({ controller, follower, node_id: node.node_id, isLeader: () => lead.isLeader(), nudge: () => node.nudge('git-poll'), webhookSecret });
 */
export function createClusterGitSync(options: ClusterGitSyncOptions): GitSyncController {
  const { controller, follower } = options;
  const now = options.now ?? (() => new Date());

  const nodeStatus = (leaderStatus: GitSyncStatus | null): GitNodeStatus => {
    if (leaderStatus) {
      return {
        node_id: options.node_id,
        role: 'leader',
        leader: options.node_id,
        leader_synced_commit: leaderStatus.synced_commit,
        checkout_commit: leaderStatus.head?.sha ?? null,
        files: 'current',
        error: null,
        ready: true,
      };
    }
    const state = follower.state();
    return {
      node_id: options.node_id,
      role: 'follower',
      leader: state.announced?.node_id || null,
      leader_synced_commit: state.announced?.commit ?? null,
      checkout_commit: state.checkout?.sha ?? null,
      files: state.files,
      error: state.error,
      ready: state.files === 'current',
    };
  };

  const readiness = (): GitReadiness => {
    if (options.isLeader()) return { ready: true };
    const state = follower.state();
    const commit = state.announced?.commit.slice(0, 7) ?? '';
    switch (state.files) {
      case 'current':
        return { ready: true };
      case 'waiting':
        return { ready: false, reason: 'waiting for the node leading git polling to announce the commit it synced; pack actions cannot run here yet' };
      case 'checking_out':
        return { ready: false, reason: `checking out commit ${commit}, which the registry was synced from; pack actions wait for it` };
      case 'failed':
        return {
          ready: false,
          reason: `cannot check out commit ${commit}, which the registry was synced from: ${state.error?.message ?? 'unknown error'}; pack actions run here would miss their files`,
        };
    }
  };

  const pass = async (): Promise<void> => {
    await options.nudge();
  };

  return {
    events: controller.events,
    name: controller.name,
    url: controller.url,
    branch: controller.branch,
    start: () => controller.start(),
    stop: async () => {
      await Promise.all([controller.stop(), follower.stop()]);
    },
    syncNow: async (syncOptions) => {
      if (options.isLeader()) return controller.syncNow(syncOptions);
      return followerReport(now, 'this node does not lead git polling; the sync was passed to the node that does', pass);
    },
    syncAt: async (ref) => {
      if (options.isLeader()) return controller.syncAt(ref);
      return followerReport(now, `this node does not lead git polling; send the pin to '${ref ?? ''}' to the node that does`, null);
    },
    async status() {
      if (options.isLeader()) {
        const status = await controller.status();
        return { ...status, node: nodeStatus(status) };
      }
      const base = await controller.status();
      const state = follower.state();
      return {
        ...base,
        pinned_ref: state.announced?.pinned_ref ?? null,
        syncing: false,
        head: state.checkout,
        synced_commit: state.announced?.commit ?? null,
        // Per-pack states and the last run live on the leader, which ran it.
        last_sync: null,
        packs: [],
        workflows: [],
        node: nodeStatus(null),
      };
    },
    verifiesSignature: (request) => controller.verifiesSignature(request),
    handleWebhook(request) {
      if (options.isLeader()) return controller.handleWebhook(request);
      const check = verifyWebhook({ ...request, secret: options.webhookSecret ?? '' });
      if (!check.ok) return { status: 401, body: { error: { code: 'AUTH_REQUIRED', message: check.reason } }, sync: null };
      pass().catch((error: unknown) => options.onNudgeError?.(error));
      return {
        status: 202,
        body: { accepted: true, reason: 'passed to the node leading git polling', delivery_id: check.delivery_id, provider: check.provider },
        sync: null,
      };
    },
    role: () => (options.isLeader() ? 'leader' : 'follower'),
    passToLeader: async () => {
      await pass();
      // A follower whose checkout failed tries again now too, not only on the leader's next announcement.
      if (follower.state().files === 'failed') void follower.retry();
    },
    readiness,
  };
}

/** The report a follower gives when asked to sync: it did not, and says why. */
async function followerReport(now: () => Date, message: string, pass: (() => Promise<void>) | null): Promise<GitSyncReport> {
  const startedAt = now().toISOString();
  let error = { code: 'PACK_SYNC_REFUSED', message };
  if (pass) {
    try {
      await pass();
    } catch (caught) {
      error = { code: 'STORE_UNAVAILABLE', message: `could not pass the sync to the node leading git polling: ${String(caught)}` };
    }
  }
  return { outcome: 'refused', ref: '', commit: null, packs: [], pruned_packs: [], error, started_at: startedAt, finished_at: now().toISOString() };
}
