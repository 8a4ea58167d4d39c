/**
 * GitOps mode of a served registry: one controller per configured git source, each led by
 * one node of a cluster at a time (its own leader key, so different nodes may lead
 * different sources), its followers checking out what the leader synced. With several
 * sources the engine runs pack tasks from a folder of links to each pack's owning clone.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ClusterNode, LeaderTask } from '../cluster/index.js';
import { createClusterGitSync } from '../gitops/cluster-git-sync.js';
import { encodeGitAnnouncement, parseGitAnnouncement, type GitFollower } from '../gitops/git-follower.js';
import { createGitSourceSet, type GitSourceSet } from '../gitops/git-source-set.js';
import { DEFAULT_SOURCE_NAME, type GitSourceSpec } from '../gitops/git-sources-config.js';
import type { GitSyncController } from '../gitops/git-sync-controller.js';
import type { GitSyncReport } from '../gitops/git-sync-run.js';
import { claimsOfOthers, type ClaimingSource } from '../gitops/pack-claims.js';
import type { PackEvents } from '../gitops/pack-events.js';
import { linkPackFolders } from '../gitops/pack-links.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import { createServerGitFollower, createServerGitSource, createServerGitSync, gitPacksDir, logGitReport, waitForFirstCheckout } from './pack-sources.js';

/** Leader key of git polling and syncing of the HARMONIA_GIT_URL shorthand source (and one named `default`). */
export const GIT_LEADER_KEY = 'git-poll';

/** The leader key of a source: one node of a cluster polls it at a time. */
export function gitLeaderKey(name: string): string {
  return name === DEFAULT_SOURCE_NAME ? GIT_LEADER_KEY : `${GIT_LEADER_KEY}:${name}`;
}

/** The folder of per-pack links the engine runs pack tasks from when several sources are configured. */
export function gitPackLinksDir(dataDir: string): string {
  return join(dataDir, 'git', 'packs');
}

/** The folder the engine runs pack tasks from in GitOps mode. */
export function gitEnginePacksDir(specs: readonly GitSourceSpec[], dataDir: string): string {
  const [only] = specs;
  return only && specs.length === 1 ? gitPacksDir(only, dataDir) : gitPackLinksDir(dataDir);
}

export interface GitSourcesInput {
  specs: readonly GitSourceSpec[];
  dataDir: string;
  store: Store;
  env: Readonly<Record<string, string | undefined>>;
  node: ClusterNode;
  events: PackEvents;
  logger: Logger;
  /** The server's sync service over a folder (it pokes the scheduler after each sync). */
  syncServiceFor: (packsDir: string, displayDir: string) => PackSyncService;
  /** Told the first run of each source this node leads. */
  onFirstRun?: (report: GitSyncReport, source: string) => void;
  /** How long a follower waits at start for its first checkout of each source. */
  followWaitMs: number;
}

export interface StartedGitSources {
  set: GitSourceSet;
  /** Each source's sync service, keyed by name (the REST pack routes use them). */
  services: Map<string, { packsDir: string; service: PackSyncService }>;
  stop(): Promise<void>;
}

/** Starts every source: the leader of each syncs before this resolves; a follower waits (bounded) for its first checkout. */
export async function startGitSources(input: GitSourcesInput): Promise<StartedGitSources> {
  const { specs, node, logger } = input;
  const several = specs.length > 1;
  const claiming: ClaimingSource[] = specs.map((spec) => ({ name: spec.name, packsDir: gitPacksDir(spec, input.dataDir) }));
  const relink = several ? serialised(() => linkPackFolders(gitPackLinksDir(input.dataDir), claiming, (pack) => ownerOf(input.store, pack))) : null;
  const refreshLinks = async (): Promise<void> => {
    await relink?.().catch((error: unknown) => logger.warn({ err: error }, 'could not link the pack folders of the git sources'));
  };
  const controllers: GitSyncController[] = [];
  const leads: LeaderTask[] = [];
  const services = new Map<string, { packsDir: string; service: PackSyncService }>();
  for (const spec of specs) {
    const log = several ? logger.child({ source: spec.name }) : logger;
    const source = createServerGitSource(spec, input.dataDir, input.env);
    const service = input.syncServiceFor(source.packsDir, spec.path || '.');
    services.set(spec.name, { packsDir: source.packsDir, service });
    const key = gitLeaderKey(spec.name);
    let lead: LeaderTask | null = null;
    let firstRun = true;
    const controller = createServerGitSync({
      spec,
      dataDir: input.dataDir,
      store: input.store,
      env: input.env,
      events: input.events,
      syncService: service,
      logger: log,
      source,
      ...(several ? { claimedElsewhere: () => claimsOfOthers(claiming, spec.name) } : {}),
      // The leader tells the other nodes which commit the registry now holds, after every run.
      onRun: (_report, state) => {
        void refreshLinks();
        if (!node.clustered || state.synced_commit === null || !lead?.isLeader()) return;
        const message = encodeGitAnnouncement({ commit: state.synced_commit, pinned_ref: state.pinned_ref, node_id: node.node_id });
        lead.announce(message).catch((error: unknown) => log.warn({ err: error }, 'could not announce the synced commit to the other nodes'));
      },
    });
    const following: GitFollower | null = node.clustered ? createServerGitFollower(source, () => lead?.isLeader() ?? false, refreshLinks, log) : null;
    // One node polls and syncs a source at a time; when it leaves, another takes over (and syncs at once).
    lead = node.lead(
      key,
      async (signal) => {
        // A follower that now leads lets its last checkout finish: the clone is the controller's from here.
        await following?.idle();
        // Polling starts here too; its timer is unref'd, so only the server's socket keeps the process alive.
        const report = await controller.start();
        logGitReport(log, report, several ? spec.name : undefined);
        if (firstRun) input.onFirstRun?.(report, spec.name);
        firstRun = false;
        signal.addEventListener('abort', () => void controller.stop(), { once: true });
      },
      {
        on_nudge: () => void controller.syncNow(),
        ...(following
          ? {
              on_announce: (text: string) => {
                const announcement = parseGitAnnouncement(text);
                if (announcement) void following.follow(announcement);
              },
            }
          : {}),
      },
    );
    leads.push(lead);
    const led = lead;
    controllers.push(
      following
        ? createClusterGitSync({
            controller,
            follower: following,
            node_id: node.node_id,
            isLeader: () => led.isLeader(),
            nudge: () => node.nudge(key),
            webhookSecret: spec.webhook_secret,
            onNudgeError: (error) => log.warn({ err: error }, 'could not pass a git sync on to the git leader'),
          })
        : controller,
    );
    // The leader syncs before it serves, as a single node does; the others check out what it synced first.
    if (!(await led.first) && following) {
      log.info({ key }, 'another node leads git polling of this source; its webhooks here are passed to it');
      await waitForFirstCheckout(following, input.followWaitMs, log);
    }
  }
  if (several) {
    // A source started before another's clone existed could not see its claims: look again now they all exist.
    // (The last one started saw every other clone.)
    for (const [index, controller] of controllers.slice(0, -1).entries()) if (leads[index]?.isLeader()) await controller.syncNow();
    await refreshLinks();
  }
  const set = createGitSourceSet(controllers, input.events);
  return {
    set,
    services,
    stop: async () => {
      for (const lead of leads) await lead.stop();
      await set.stop();
    },
  };
}

/** The git source a registered pack's active definitions came from, if any. */
async function ownerOf(store: Store, pack: string): Promise<string | null> {
  for (const kind of ['workflow', 'action', 'template'] as const) {
    const page = await store.registry.listActive({ kind, pack_ref: pack, limit: 1 });
    const origin = page.items[0]?.origin;
    if (origin?.source === 'git') return origin.git_source ?? DEFAULT_SOURCE_NAME;
  }
  return null;
}

/** Runs `fn` one call at a time, in the order called. */
function serialised(fn: () => Promise<void>): () => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return () => (tail = tail.then(fn, fn));
}
