/**
 * serveHarmonia: the whole server from the resolved configuration — pack sync
 * service, action registry, engine and HTTP server — for `harmonia start` and
 * embedders. The caller opens (and later closes) the store.
 */
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { createActionRegistry, type PackActions } from '../actions/action-registry.js';
import type { ResolvedConfig } from '../config.js';
import type { ActionDef } from '../core/model.js';
import { createEngine, type EngineLogger } from '../engine/index.js';
import { createPackSyncService, type PackSyncService, type SyncAllResult } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import { maskSecrets } from './mask-secrets.js';
import { serverOptionsFromConfig } from './server-options.js';
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
  /** @default pino at config.log_level to stdout */
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
}

/**
 * Builds and starts the server on config.host:config.port.
 * @example
 * const running = await serveHarmonia({ config, store, env: process.env, version });
 * process.once('SIGTERM', () => void running.close().then(() => store.close()));
 */
export async function serveHarmonia(options: ServeOptions): Promise<RunningServer> {
  const { config, store, env } = options;
  const packsDir = resolve(options.cwd ?? process.cwd(), config.packs_dir);
  const logger = options.logger ?? pino({ name: 'harmonia', level: config.log_level });
  const lookup = createPackActionsLookup(store, packsDir);
  await lookup.refresh();
  const actions = createActionRegistry({ packs: lookup.get, components: store.components, parent_env: env });
  const engine = createEngine({
    store,
    actions,
    env,
    logger: engineLogger(logger),
    config: {
      max_concurrent_tasks: config.max_concurrent_tasks,
      max_concurrent_workflows: config.max_concurrent_workflows,
      default_timeout_ms: config.default_timeout_ms,
      max_execution_time_ms: config.max_execution_time_ms,
      retry_max_attempts: config.retry_max_attempts,
      checkpoint_interval_s: config.checkpoint_interval_seconds,
      env_allowlist: config.env_allowlist,
      packs_dir: packsDir,
    },
  });
  const packs = refreshingAfterSync(createPackSyncService({ store, packsDir, defaults: { max_file_size: config.max_file_size } }), lookup.refresh);
  if (options.sync_on_start !== false) {
    try {
      const result = await packs.syncAll();
      const errors = result.packs.reduce((n, p) => n + p.errors.length, 0);
      logger.info({ packs: result.packs.length, errors, pruned_packs: result.pruned_packs }, 'packs synced');
      options.on_synced?.(result);
    } catch (error) {
      // A refused or failing start-up sync leaves the registry as it was; the server still serves it.
      logger.warn({ err: maskSecrets({ message: (error as Error).message }) }, 'start-up pack sync failed');
    }
  }
  return startServer({
    store,
    engine,
    packs,
    host: config.host,
    port: config.port,
    logger,
    options: serverOptionsFromConfig(config, { version: options.version, allowed_origins: options.allowed_origins ?? [] }),
  });
}

/** Engine log lines through pino, with secret-named fields masked. */
function engineLogger(logger: Logger): EngineLogger {
  const child = logger.child({ component: 'engine' });
  return {
    info: (message, fields) => child.info(maskSecrets(fields ?? {}), message),
    warn: (message, fields) => child.warn(maskSecrets(fields ?? {}), message),
    error: (message, fields) => child.error(maskSecrets(fields ?? {}), message),
  };
}

/**
 * The action registry looks pack actions up synchronously; this keeps a snapshot of
 * the registered actions and refreshes it after every sync, so actions synced while
 * the server runs are found.
 */
function createPackActionsLookup(store: Store, packsDir: string) {
  let byPack = new Map<string, PackActions>();
  return {
    get: (packRef: string): PackActions | null => byPack.get(packRef) ?? null,
    async refresh(): Promise<void> {
      const next = new Map<string, { dir: string; actions: Map<string, ActionDef> }>();
      for (let offset = 0; ; offset += 1000) {
        const page = await store.registry.listActive({ kind: 'action', limit: 1000, offset });
        for (const record of page.items) {
          const entry = next.get(record.pack_ref) ?? { dir: resolve(packsDir, record.pack_ref), actions: new Map<string, ActionDef>() };
          entry.actions.set(record.ref, record.body as ActionDef);
          next.set(record.pack_ref, entry);
        }
        if (page.items.length < 1000) break;
      }
      byPack = next;
    },
  };
}

function refreshingAfterSync(service: PackSyncService, refresh: () => Promise<void>): PackSyncService {
  const after = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    await refresh();
    return value;
  };
  return {
    ...service,
    syncPack: (ref, opts) => after(service.syncPack(ref, opts)),
    syncAll: (opts) => after(service.syncAll(opts)),
    deletePack: (ref) => after(service.deletePack(ref)),
  };
}
