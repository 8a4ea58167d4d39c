/**
 * Where a served registry's packs come from besides the packs folder synced at start:
 * a git branch (GitOps mode: clone, sync, poll, webhooks; on a node of a cluster that does
 * not lead, a clone that follows the commit the leader synced) or the packs folder watched
 * while developing (dev mode). Both report through the same pack events the server
 * forwards to /ws/events and /events.
 */
import { basename, dirname, join, relative } from 'node:path';
import type { Logger } from 'pino';
import { HarmoniaError } from '../core/errors.js';
import { createDevMode, type DevMode } from '../gitops/dev-mode.js';
import { createGitFollower, type GitFollower } from '../gitops/git-follower.js';
import { createGitSyncController, type GitRunState, type GitSyncController } from '../gitops/git-sync-controller.js';
import type { GitSyncReport } from '../gitops/git-sync-run.js';
import type { GitSourceSpec } from '../gitops/git-sources-config.js';
import type { PackEvents } from '../gitops/pack-events.js';
import { cloneDirFor, createGitSource, type GitSource } from '../packs/git-source.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';

/** Dev mode while serving: watch the packs folder and re-sync a pack on save. */
export interface ServeDevOptions {
  /** Receives each line dev mode prints (a summary per sync, then its diagnostics). */
  log: (line: string) => void;
  /** Quiet time after a save before syncing. @default 20 (setting dev_debounce_ms) */
  debounce_ms?: number;
}

/** The clone directory of a source: the URL's, as ever, for the HARMONIA_GIT_URL shorthand; the name's and the URL's otherwise. */
export function cloneDirOf(spec: GitSourceSpec, dataDir: string): string {
  return spec.shorthand ? cloneDirFor(dataDir, spec.url) : join(dirname(cloneDirFor(dataDir, spec.url)), `${spec.name}-${basename(cloneDirFor(dataDir, spec.url))}`);
}

/** Absolute packs folder inside the clone of a source (what the engine runs pack actions from). */
export function gitPacksDir(spec: GitSourceSpec, dataDir: string): string {
  return join(cloneDirOf(spec, dataDir), spec.path);
}

export interface GitSourceInput {
  spec: GitSourceSpec;
  /** config.data_dir resolved against the working directory. */
  dataDir: string;
  store: Store;
  env: Readonly<Record<string, string | undefined>>;
  events: PackEvents;
  /** A sync service over the clone's packs folder (the server's refreshes its action lookup). */
  syncService: PackSyncService;
  logger: Logger;
  /** The clone to sync from. @default createServerGitSource(spec, dataDir, env) */
  source?: GitSource;
  /** Told after every run where the registry stands (a cluster's leader announces it). */
  onRun?: (report: GitSyncReport, state: GitRunState) => void;
  /** Packs the other sources hold (several sources). */
  claimedElsewhere?: () => Promise<ReadonlyMap<string, readonly string[]>>;
}

/** The git source (the local clone) of one configured source under the data dir. */
export function createServerGitSource(spec: GitSourceSpec, dataDir: string, env: Readonly<Record<string, string | undefined>>): GitSource {
  if (spec.url === '') throw new HarmoniaError('CONFIG_INVALID', `git source '${spec.name}' has no url`);
  return createGitSource({
    url: spec.url,
    branch: spec.branch,
    path: spec.path,
    dataDir,
    cloneDir: cloneDirOf(spec, dataDir),
    token: spec.token ?? undefined,
    env,
  });
}

/**
 * The git controller of one source, with the server's sync service so pack actions synced
 * from git are found at once. The shorthand source writes no source name on its versions.
 */
export function createServerGitSync(input: GitSourceInput): GitSyncController {
  const { spec } = input;
  const source = input.source ?? createServerGitSource(spec, input.dataDir, input.env);
  return createGitSyncController({
    ...(spec.shorthand ? {} : { name: spec.name }),
    source,
    store: input.store,
    events: input.events,
    syncService: input.syncService,
    webhookSecret: spec.webhook_secret,
    pollIntervalSeconds: spec.poll_interval_seconds,
    onError: (error) => input.logger.error({ err: error, source: spec.name }, 'git sync failed unexpectedly'),
    ...(input.onRun ? { onRun: input.onRun } : {}),
    ...(input.claimedElsewhere ? { claimedElsewhere: input.claimedElsewhere } : {}),
  });
}

/** A node's git follower: logs each commit it checks out and refreshes the pack action lookup. */
export function createServerGitFollower(source: GitSource, isLeader: () => boolean, refresh: () => Promise<void>, logger: Logger): GitFollower {
  let logged: string | null = null;
  return createGitFollower({
    source,
    isLeader,
    onCurrent: async (commit) => {
      // Actions the leader registered since are found here from now on.
      await refresh();
      if (commit.sha !== logged) logger.info({ commit: commit.sha }, 'checked out the commit the git leader synced');
      logged = commit.sha;
    },
    onFailed: (error) => logger.warn({ error }, 'cannot check out the commit the git leader synced; pack actions here lack their files'),
    onError: (error) => logger.error({ err: error }, 'git checkout failed unexpectedly'),
  });
}

/** Waits (bounded) until a follower has acted on the leader's first announcement. */
export async function waitForFirstCheckout(follower: GitFollower, waitMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs)));
  const late = await Promise.race([follower.first.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) logger.warn({ wait_ms: waitMs }, 'no synced commit announced by the git leader yet; serving without pack files until one is');
}

/** Logs a git sync report's outcome (never credentials: reports hold none). */
export function logGitReport(logger: Logger, report: GitSyncReport, source?: string): void {
  const fields = {
    ...(source !== undefined ? { source } : {}),
    outcome: report.outcome,
    ref: report.ref,
    commit: report.commit?.sha ?? null,
    packs: report.packs.length,
    invalid: report.packs.filter((p) => p.state === 'invalid').map((p) => p.pack_ref),
    pruned_packs: report.pruned_packs,
    ...(report.error ? { error: report.error } : {}),
  };
  if (report.outcome === 'failed' || report.outcome === 'refused') logger.warn(fields, 'git sync failed');
  else logger.info(fields, 'git synced');
}

export interface DevSourceInput {
  /** Absolute packs folder. */
  packsDir: string;
  store: Store;
  events: PackEvents;
  /** Builds the sync service over the folder dev mode names (relative, for readable diagnostics). */
  syncServiceFor: (packsDir: string) => PackSyncService;
  dev: ServeDevOptions;
}

/** Starts dev mode over the packs folder; resolves once the first sync is done and saves are watched. */
export async function startServerDevMode(input: DevSourceInput): Promise<DevMode> {
  // Diagnostics read best relative to where the user stands, as in `harmonia dev`.
  const shown = relative(process.cwd(), input.packsDir) || '.';
  const dev = createDevMode({
    packsDir: shown,
    store: input.store,
    syncService: input.syncServiceFor(shown),
    log: input.dev.log,
    events: input.events,
    debounceMs: input.dev.debounce_ms,
  });
  try {
    await dev.ready;
  } catch (error) {
    await dev.close();
    throw error;
  }
  return dev;
}
