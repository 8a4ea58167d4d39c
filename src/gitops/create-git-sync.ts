import type { ResolvedConfig } from '../config.js';
import { createGitSource } from '../packs/git-source.js';
import { createPackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import { createGitSyncController, type GitSyncController } from './git-sync-controller.js';
import type { PackEvents } from './pack-events.js';

/** The settings git sync reads (HARMONIA_GIT_* and friends). */
export type GitSyncSettings = Pick<
  ResolvedConfig,
  | 'data_dir'
  | 'max_file_size'
  | 'max_task_count'
  | 'max_workflow_size'
  | 'git_url'
  | 'git_branch'
  | 'git_path'
  | 'git_poll_interval_seconds'
  | 'git_webhook_secret'
  | 'git_token'
>;

export interface GitSyncDependencies {
  store: Store;
  events?: PackEvents;
  /** Environment of the git processes (PATH, HOME, proxies); the composition root passes process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Builds the git source, its sync service and the controller from the resolved
 * settings; null when no git url is configured. Call `start()` on the result.
 *
 * @example
 * const git = createGitSyncFromSettings(config, { store, events, env: process.env });
 * await git?.start();
 */
export function createGitSyncFromSettings(settings: GitSyncSettings, deps: GitSyncDependencies): GitSyncController | null {
  if (settings.git_url === null || settings.git_url === '') return null;
  const source = createGitSource({
    url: settings.git_url,
    branch: settings.git_branch,
    path: settings.git_path,
    dataDir: settings.data_dir,
    token: settings.git_token ?? undefined,
    env: deps.env,
  });
  return createGitSyncController({
    source,
    store: deps.store,
    events: deps.events,
    syncService: createPackSyncService({
      store: deps.store,
      packsDir: source.packsDir,
      defaults: { max_file_size: settings.max_file_size, max_task_count: settings.max_task_count, max_workflow_size: settings.max_workflow_size },
    }),
    webhookSecret: settings.git_webhook_secret,
    pollIntervalSeconds: settings.git_poll_interval_seconds,
  });
}
