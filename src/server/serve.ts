/**
 * serveHarmonia: the whole server from the resolved configuration — pack sync
 * service, action registry, cluster node (the engine; on PostgreSQL one of several
 * nodes sharing the database) and HTTP server — for `harmonia start` and embedders.
 * The caller opens (and later closes) the store.
 */
import { basename, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ACTION_CACHE_DIR } from '../actions/action-file-cache.js';
import { createActionRegistry } from '../actions/action-registry.js';
import { resolveContainment } from '../actions/containment.js';
import { readFileSync } from 'node:fs';
import { actionOptionsOf, configSecretValues, engineConfigOf, llmConfigOf, type ResolvedConfig } from '../config.js';
import { chatClientFromSettings } from '../llm/chat-client.js';
import type { EngineLogger } from '../engine/index.js';
import { createNode, type ClusterNode } from '../cluster/index.js';
import { createScheduler, type Scheduler } from '../triggers/scheduler.js';
import type { GitSourceSet } from '../gitops/git-source-set.js';
import { gitSourceSecrets, resolveGitSources } from '../gitops/git-sources-config.js';
import { createPackSyncService, type PackSyncService, type SyncAllResult } from '../packs/sync-packs.js';
import { HarmoniaError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { DevMode } from '../gitops/dev-mode.js';
import type { GitSyncController } from '../gitops/git-sync-controller.js';
import type { GitSyncReport } from '../gitops/git-sync-run.js';
import { createPackEvents, type PackEvents } from '../gitops/pack-events.js';
import { createSecretMasker, type SecretMasker } from '../core/secret-masker.js';
import { maskSecrets } from './mask-secrets.js';
import { createBoundedLogger, type LogOutput } from './log-output.js';
import { startServerDevMode, type ServeDevOptions } from './pack-sources.js';
import { routedPackSyncService } from './routed-pack-sync.js';
import { gitEnginePacksDir, startGitSources, type StartedGitSources } from './serve-git-sources.js';
import { serverOptionsFromConfig } from './server-options.js';
import { startRetentionPurge } from './retention-purge.js';
import { startServer, type RunningServer } from './start-server.js';

export interface ServeOptions {
  config: ResolvedConfig;
  store: Store;
  /** The process environment: what `${env.*}` may read (through the allow-list) and children inherit. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reported by /api/status. */
  version: string;
  /** Base of a relative packs_dir. @default process.cwd() */
  cwd?: string;
  /**
   * @default pino at config.log_level to process.stdout, through a backlog of
   * config.log_buffer_size that drops lines rather than stall (see log-output.ts)
   */
  logger?: Logger;
  /** Browser origins allowed to open streams besides the server's own. @default [] */
  allowed_origins?: string[];
  /**
   * Sync the packs folder before the engine starts, so recovered executions and new
   * requests see the current registry. Problems are logged, never fatal. @default true
   */
  sync_on_start?: boolean;
  /** Told the result of the start-up sync (the CLI prints it). */
  on_synced?: (result: SyncAllResult) => void;
  /**
   * Follow config.git_url (GitOps mode): clone it under the data dir, sync, poll every
   * config.git_poll_interval_seconds and accept webhooks at /api/v1/git/webhook; the
   * packs folder is then the clone's. @default true when config.git_url is set
   */
  git?: boolean;
  /** Told the result of the first git sync of each source; later runs report through `pack_events`. */
  on_git_synced?: (report: GitSyncReport, source: string) => void;
  /** Dev mode: watch the packs folder and re-sync a pack on save (not with git). @default off */
  dev?: ServeDevOptions;
  /**
   * Git mode on PostgreSQL, on a node that does not lead git polling: how long it waits at
   * start for the leader's synced commit to be checked out before it claims work and
   * listens anyway (not ready for pack actions until it has the files). @default 30000
   */
  git_follow_wait_ms?: number;
}

export { GIT_LEADER_KEY } from './serve-git-sources.js';
/** Lock key of the start-up sync of the packs folder: nodes take turns. */
export const PACK_SYNC_KEY = 'pack-sync';

/** A running server with its pack sources; close() stops them after the server. */
export interface ServedHarmonia extends RunningServer {
  /** The cluster node running executions (on SQLite the single-node engine). */
  node: ClusterNode;
  /** The git sync, when following exactly one git source (HARMONIA_GIT_URL, or one in HARMONIA_GIT_SOURCES). */
  git: GitSyncController | null;
  /** Every git source followed (null when GitOps is off). */
  git_sources: GitSourceSet | null;
  /** Every pack event (git sync, dev mode), as /ws/events and /events forward them. */
  pack_events: PackEvents;
  /**
   * The default logger's destination (null with `options.logger`). close() waits up to
   * config.log_flush_timeout_ms for it to drain; lines still pending() after that wait for a
   * reader that does not read, and keep the process alive until it exits on its own.
   */
  log_output: LogOutput | null;
}

/**
 * Builds and starts the server on config.host:config.port.
 * @example
 * const running = await serveHarmonia({ config, store, env: process.env, version });
 * process.once('SIGTERM', () => void running.close().then(() => store.close()));
 */
export async function serveHarmonia(options: ServeOptions): Promise<ServedHarmonia> {
  const { config, store, env } = options;
  const cwd = options.cwd ?? process.cwd();
  const gitSpecs = resolveGitSources(config, env);
  const useGit = options.git ?? gitSpecs.length > 0;
  if (useGit && gitSpecs.length === 0) throw new HarmoniaError('USAGE_INVALID', 'git mode needs a git source; set HARMONIA_GIT_URL or HARMONIA_GIT_SOURCES');
  if (useGit && options.dev) {
    throw new HarmoniaError('USAGE_INVALID', 'dev mode watches the local packs folder and cannot follow a git url; drop --dev or --git');
  }
  const dataDir = resolve(cwd, config.data_dir);
  const packsDir = useGit ? gitEnginePacksDir(gitSpecs, dataDir) : resolve(cwd, config.packs_dir);
  const { logger, output: logOutput }: { logger: Logger; output: LogOutput | null } = options.logger
    ? { logger: options.logger, output: null }
    : createBoundedLogger({ level: config.log_level, max_buffer_bytes: config.log_buffer_size });
  const packEvents = createPackEvents({ onListenerError: (error) => logger.error({ err: error }, 'pack event listener failed') });
  const secrets = createSecretMasker([...configSecretValues(config), ...gitSourceSecrets(gitSpecs)]);
  if (config.task_uid === null && typeof process.getuid === 'function' && process.getuid() === 0) {
    // Tasks as root can read this process's environment and the whole data directory.
    logger.warn('the server runs as root and so do its tasks; set HARMONIA_TASK_UID and HARMONIA_TASK_GID to run them as an unprivileged user');
  }
  // The key file is read here, once; the key then lives only inside the chat client.
  const llm = chatClientFromSettings(llmConfigOf(config, (file) => readFileSync(resolve(cwd, file), 'utf8')));
  const actions = createActionRegistry({
    // Read through the store and pinned per execution: actions synced by another process are seen at once.
    pinned: { store, packs_dir: packsDir, cache_dir: join(dataDir, ACTION_CACHE_DIR) },
    components: store.components,
    parent_env: env,
    llm,
    containment: resolveContainment(config.task_containment),
    ...actionOptionsOf(config),
  });
  const node = createNode({
    store,
    actions,
    env,
    secrets,
    logger: engineLogger(logger, secrets),
    ...(config.node_id === null ? {} : { node_id: config.node_id }),
    lease_ms: config.lease_ms,
    shutdown_grace_ms: config.shutdown_grace_ms,
    // A node whose git checkout is behind (not ready) leaves dead nodes' executions to ready ones.
    canClaim: () => gitSources?.set.readiness().ready ?? true,
    config: engineConfigOf(config, packsDir),
  });
  const scheduler = createServerScheduler(store, node, logger, config);
  // A synced change to a workflow's triggers takes effect at once, not at the next reload.
  const syncServiceFor = (dir: string, displayDir?: string) =>
    pokingAfterSync(createPackSyncService({ store, packsDir: dir, ...(displayDir !== undefined ? { displayDir } : {}), defaults: { max_file_size: config.max_file_size, max_task_count: config.max_task_count, max_workflow_size: config.max_workflow_size } }), () => void scheduler.poke());
  // Diagnostics over REST name files as the repository does (`packs/ci/workflows/x.yaml`), never by server path.
  const packs = syncServiceFor(packsDir, useGit ? gitSpecs[0]?.path || '.' : basename(packsDir));
  // Git and dev mode sync at start themselves (and print it their way).
  if (options.sync_on_start !== false && !useGit && !options.dev) {
    try {
      // Nodes sharing a database take turns, so two never write the same pack's versions at once.
      const result = await node.exclusive(PACK_SYNC_KEY, () => packs.syncAll());
      const errors = result.packs.reduce((n, p) => n + p.errors.length, 0);
      logger.info({ packs: result.packs.length, errors, pruned_packs: result.pruned_packs }, 'packs synced');
      options.on_synced?.(result);
    } catch (error) {
      // A refused or failing start-up sync leaves the registry as it was; the server still serves it.
      logger.warn({ err: maskSecrets({ message: (error as Error).message }) }, 'start-up pack sync failed');
    }
  }
  let gitSources: StartedGitSources | null = null;
  let dev: DevMode | null = null;
  if (useGit) {
    gitSources = await startGitSources({
      specs: gitSpecs,
      dataDir,
      store,
      env,
      node,
      events: packEvents,
      logger,
      syncServiceFor,
      followWaitMs: options.git_follow_wait_ms ?? 30_000,
      ...(options.on_git_synced ? { onFirstRun: options.on_git_synced } : {}),
    });
  } else if (options.dev) {
    dev = await startServerDevMode({ packsDir, store, events: packEvents, syncServiceFor, dev: options.dev });
  }
  const stopSources = async (): Promise<void> => {
    await gitSources?.stop();
    await dev?.close();
  };
  const git = gitSources?.set.list().length === 1 ? (gitSources.set.list()[0] ?? null) : null;
  let running: RunningServer;
  try {
    running = await startServer({
      store,
      engine: node.engine,
      node: { start: () => node.start(), stop: () => node.close({ grace_ms: config.shutdown_grace_ms }) },
      metrics_bus: node.local_bus,
      packs: gitSources && !git ? routedPackSyncService([...gitSources.services.values()]) : git ? (gitSources?.services.get(git.name)?.service ?? packs) : packs,
      git,
      git_sources: gitSources?.set ?? null,
      pack_events: packEvents,
      assistant: { llm, packs_dir: packsDir },
      // Only the variable a webhook trigger names is read, at delivery time.
      trigger_secret: (name) => env[name],
      host: config.host,
      port: config.port,
      logger,
      ...(logOutput ? { log_output: logOutput } : {}),
      options: serverOptionsFromConfig(config, { version: options.version, allowed_origins: options.allowed_origins ?? config.allowed_origins }),
    });
  } catch (error) {
    await stopSources();
    throw error;
  }
  const server = running;
  await scheduler.start();
  const purge = startRetentionPurge({ store, node, logger, retention_ms: config.execution_retention_ms, interval_ms: config.execution_purge_interval_ms });
  let closing: Promise<void> | null = null;
  return {
    ...server,
    node,
    git,
    git_sources: gitSources?.set ?? null,
    pack_events: packEvents,
    log_output: logOutput,
    close: () => {
      // The server first, so no webhook queues a sync behind the controller's stop; the logs
      // last, with a bound: a stdout nobody reads must not hold the shutdown forever.
      closing ??= scheduler
        .stop()
        .then(() => purge.stop())
        .then(() => server.close())
        .then(stopSources)
        .then(async () => {
          await logOutput?.waitForDrain(config.log_flush_timeout_ms);
        });
      return closing;
    },
  };
}

/**
 * The node's scheduler. Every node runs one: the store's unique key on (trigger, scheduled
 * time) lets one node fire each time; a fire a node left half done is taken over after
 * lease_ms on PostgreSQL (even when the node died: only executions move at once, by the node's
 * liveness lock), at once on SQLite (one process holds the database).
 */
function createServerScheduler(store: Store, node: ClusterNode, logger: Logger, config: Pick<ResolvedConfig, 'lease_ms' | 'max_after_chain'>): Scheduler {
  const child = logger.child({ component: 'scheduler' });
  return createScheduler({
    store,
    engine: node.engine,
    node_id: node.node_id,
    orphan_after_ms: store.backend === 'sqlite' ? 0 : config.lease_ms,
    max_after_chain: config.max_after_chain,
    on_fire: (fire) => child.info({ trigger: fire.trigger_id, scheduled_at: fire.scheduled_at, status: fire.status, execution_id: fire.execution_id, reason: fire.reason }, 'schedule fired'),
    on_error: (error) => child.warn({ err: maskSecrets({ message: (error as Error).message }) }, 'scheduler pass failed'),
    on_warning: (entry, warning) => child.warn({ trigger: entry.id, code: warning.code }, warning.message),
  });
}

/** Engine log lines through pino, with secret-named fields and every known secret masked. */
function engineLogger(logger: Logger, secrets: SecretMasker): EngineLogger {
  const child = logger.child({ component: 'engine' });
  return {
    info: (message, fields) => child.info(maskSecrets(fields ?? {}, secrets), secrets.maskText(message)),
    warn: (message, fields) => child.warn(maskSecrets(fields ?? {}, secrets), secrets.maskText(message)),
    error: (message, fields) => child.error(maskSecrets(fields ?? {}, secrets), secrets.maskText(message)),
  };
}


/** A sync service that calls `after` once each sync or delete has finished (the scheduler re-reads triggers). */
function pokingAfterSync(service: PackSyncService, after: () => void): PackSyncService {
  const then = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    after();
    return value;
  };
  return {
    ...service,
    syncPack: (ref, opts) => then(service.syncPack(ref, opts)),
    syncAll: (opts) => then(service.syncAll(opts)),
    deletePack: (ref, opts) => then(service.deletePack(ref, opts)),
  };
}
