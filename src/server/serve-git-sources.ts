/**
 * GitOps mode of a served registry: one controller per configured git source, all led by
 * one node of a cluster at a time, the other nodes checking out what the leader synced,
 * per source. With several sources the engine runs pack tasks from a folder of links to
 * each pack's owning clone.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ClusterNode, LeaderTask } from '../cluster/index.js';
import { createClusterGitSync } from '../gitops/cluster-git-sync.js';
import { encodeGitAnnouncements, parseGitAnnouncements, type SourceAnnouncement } from '../gitops/git-announcements.js';
import type { GitFollower } from '../gitops/git-follower.js';
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

/** Leader key of git polling and syncing (every source): one node of a cluster at a time. */
export const GIT_LEADER_KEY = 'git-poll';

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

/**
 * Starts every source. One node of a cluster leads the polling of all of them (one
 * leader key and one announcement channel, however many sources: each would otherwise
 * hold database connections of its own); it syncs them before this resolves. Another
 * node waits (bounded) for its first checkout of each.
 */
export async function startGitSources(input: GitSourcesInput): Promise<StartedGitSources> {
  const { specs, node, logger } = input;
  const several = specs.length > 1;
  const claiming: ClaimingSource[] = specs.map((spec) => ({ name: spec.name, packsDir: gitPacksDir(spec, input.dataDir) }));
  const relink = several ? serialised(() => linkPackFolders(gitPackLinksDir(input.dataDir), claiming, (pack) => ownerOf(input.store, pack))) : null;
  const refreshLinks = async (): Promise<void> => {
    await relink?.().catch((error: unknown) => logger.warn({ err: error }, 'could not link the pack folders of the git sources'));
  };
  const synced = new Map<string, SourceAnnouncement>();
  let lead: LeaderTask | null = null;
  // The leader tells the other nodes which commit the registry now holds, after every run of any source.
  const announce = (): void => {
    if (!node.clustered || !lead?.isLeader() || synced.size === 0) return;
    const ordered = new Map(specs.flatMap((spec) => (synced.has(spec.name) ? [[spec.name, synced.get(spec.name) as SourceAnnouncement] as const] : [])));
    lead.announce(encodeGitAnnouncements(node.node_id, ordered, several)).catch((error: unknown) => logger.warn({ err: error }, 'could not announce the synced commits to the other nodes'));
  };
  const controllers: GitSyncController[] = [];
  const local: GitSyncController[] = [];
  const followers = new Map<string, GitFollower>();
  const services = new Map<string, { packsDir: string; service: PackSyncService }>();
  for (const spec of specs) {
    const log = several ? logger.child({ source: spec.name }) : logger;
    const source = createServerGitSource(spec, input.dataDir, input.env);
    const service = input.syncServiceFor(source.packsDir, spec.path || '.');
    services.set(spec.name, { packsDir: source.packsDir, service });
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
      onRun: (_report, state) => {
        void refreshLinks();
        if (state.synced_commit === null) return;
        synced.set(spec.name, { commit: state.synced_commit, pinned_ref: state.pinned_ref });
        announce();
      },
    });
    local.push(controller);
    const following = node.clustered ? createServerGitFollower(source, () => lead?.isLeader() ?? false, refreshLinks, log) : null;
    if (following) followers.set(spec.name, following);
    controllers.push(
      following
        ? createClusterGitSync({
            controller,
            follower: following,
            node_id: node.node_id,
            isLeader: () => lead?.isLeader() ?? false,
            nudge: () => node.nudge(GIT_LEADER_KEY),
            webhookSecret: spec.webhook_secret,
            onNudgeError: (error) => log.warn({ err: error }, 'could not pass a git sync on to the git leader'),
          })
        : controller,
    );
  }
  let firstRun = true;
  const onlySource = specs[0]?.name ?? DEFAULT_SOURCE_NAME;
  // One node polls and syncs at a time; when it leaves, another takes over (and syncs at once).
  lead = node.lead(
    GIT_LEADER_KEY,
    async (signal) => {
      // A follower that now leads lets its last checkouts finish: the clones are the controllers' from here.
      await Promise.all([...followers.values()].map((f) => f.idle()));
      // Polling starts here too; its timers are unref'd, so only the server's socket keeps the process alive.
      for (const [index, controller] of local.entries()) {
        const report = await controller.start();
        logGitReport(logger, report, several ? specs[index]?.name : undefined);
        if (firstRun) input.onFirstRun?.(report, controller.name);
      }
      // A source started before another's clone existed could not see its claims: look again now they all exist
      // (the last one started saw every other clone).
      if (several) for (const controller of local.slice(0, -1)) await controller.syncNow();
      firstRun = false;
      signal.addEventListener('abort', () => void Promise.all(local.map((c) => c.stop())), { once: true });
    },
    {
      // A nudge does not say which source it is for: every source fetches, and those that did not move sync nothing.
      on_nudge: () => {
        for (const controller of local) void controller.syncNow();
      },
      ...(followers.size > 0
        ? {
            on_announce: (text: string) => {
              for (const [name, announcement] of parseGitAnnouncements(text, onlySource)) void followers.get(name)?.follow(announcement);
            },
          }
        : {}),
    },
  );
  // The leader syncs before it serves, as a single node does; the others check out what it synced first.
  if (!(await lead.first) && followers.size > 0) {
    logger.info({ key: GIT_LEADER_KEY }, 'another node leads git polling; webhooks here are passed to it');
    for (const following of followers.values()) await waitForFirstCheckout(following, input.followWaitMs, logger);
  }
  await refreshLinks();
  const set = createGitSourceSet(controllers, input.events);
  const led = lead;
  return {
    set,
    services,
    stop: async () => {
      await led.stop();
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
