import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { openStore } from '../open-store.js';
import { settingFlagHelp } from '../setting-flag.js';

const HELP = `
Syncs every pack in the packs folder (default ./packs or HARMONIA_PACKS_DIR) into
the store, then watches it: saving a file re-validates and re-syncs its pack (and
the packs that depend on it) and prints diagnostics at once. Editor temp files are
ignored and a burst of saves syncs once. Stop with Ctrl-C.

Examples:
  $ harmonia dev
  $ harmonia dev packs --debounce 100`;

export interface RunDevOptions {
  /** The packs folder; @default the configured packs_dir */
  packsDir?: string;
  /** Overrides the dev_debounce_ms setting (a number, or the --debounce text to validate). */
  debounceMs?: number | string;
  /** Dev mode runs until this aborts. */
  signal: AbortSignal;
  /** Called once the initial sync is done and files are watched. */
  onReady?: () => void;
}

/** Runs dev mode until `signal` aborts; resolves to the exit code. */
export async function runDev(ctx: CliContext, options: RunDevOptions): Promise<number> {
  const config = ctx.config(options.debounceMs === undefined ? {} : { dev_debounce_ms: options.debounceMs });
  const absolute = path.resolve(ctx.cwd, options.packsDir ?? config.packs_dir);
  // Diagnostics read best relative to where the user stands.
  const packsDir = path.relative(process.cwd(), absolute) || '.';
  const store = await openStore(config, ctx.cwd);
  try {
    const { createDevMode } = await import('../../gitops/dev-mode.js');
    const { createPackSyncService } = await import('../../packs/sync-packs.js');
    const dev = createDevMode({
      packsDir,
      store,
      syncService: createPackSyncService({ store, packsDir, defaults: { max_file_size: config.max_file_size, max_task_count: config.max_task_count, max_workflow_size: config.max_workflow_size } }),
      debounceMs: config.dev_debounce_ms,
      log: (line) => void ctx.stdout.write(line + '\n'),
    });
    const stopped = new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([dev.ready, stopped]);
    if (!options.signal.aborted) options.onReady?.();
    await stopped;
    await dev.close();
    return 0;
  } finally {
    await store.close();
  }
}

/** Registers `harmonia dev [PATH]`. */
export function registerDevCommand(program: Command, ctx: CliContext): void {
  program
    .command('dev')
    .description('sync packs, then re-sync each pack as its files are saved')
    .argument('[path]', 'the packs folder')
    .option('--debounce <ms>', settingFlagHelp('dev_debounce_ms', 'quiet time after a save before syncing, in ms'))
    .addHelpText('after', HELP)
    .action(async (packsDir: string | undefined, flags: { debounce?: string }) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        ctx.exitCode = await runDev(ctx, { packsDir, debounceMs: flags.debounce, signal: controller.signal });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
