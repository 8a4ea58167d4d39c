import type { Command } from 'commander';
import type { ConfigOptions } from '../../config.js';
import { HarmoniaError } from '../../core/errors.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { openStore } from '../open-store.js';
import { formatSyncReport } from '../output/sync-report.js';
import { shouldUseColor } from '../output/colors.js';
import { readVersion } from '../version.js';
import { settingFlagHelp } from '../setting-flag.js';

interface ServeFlags {
  host?: string;
  port?: string;
  packs?: string;
  dataDir?: string;
  sync?: boolean;
  git?: string;
  branch?: string;
  gitPath?: string;
  dev?: boolean;
  debounce?: string;
}

const HELP = `
Starts the server on one port: REST under /api and /api/v1, WebSocket under /ws,
SSE under /events, OpenAPI at /openapi.json and /docs. It syncs the packs folder,
carries on every unfinished execution in the store, and shuts down gracefully on
SIGTERM or Ctrl-C: it stops accepting connections, gives running executions
HARMONIA_SHUTDOWN_GRACE (default 10s) to finish, then hands the rest back (another
node, or the next start, carries them on; nothing is lost).

Logs go to stdout as JSON lines. A reader that stops reading never stalls the server:
up to HARMONIA_LOG_BUFFER_SIZE (default 1MiB) waits for it, later lines are dropped and
counted (/metrics harmonia_log_lines_dropped_total), and shutdown gives what waits
HARMONIA_LOG_FLUSH_TIMEOUT (default 5s) to be read.

Several nodes: start \`harmonia serve\` on several machines with the same
HARMONIA_DB_URL (PostgreSQL; add ?schema=NAME to use a schema). They share the
executions under leases (HARMONIA_LEASE_MS, default 15000), any node answers any
request, and one node at a time polls git. Name nodes with HARMONIA_NODE_ID.

Settings come from flags, then HARMONIA_* variables, then .env.harmonia, then
defaults; \`harmonia config\` shows them. Without HARMONIA_API_TOKENS (or a token
from \`harmonia token create\`) the server only listens on a loopback address.
Workflows cannot reach loopback or private addresses over HTTP unless
HARMONIA_HTTP_ALLOW_PRIVATE=true; secrets are best given as *_FILE settings
(HARMONIA_API_TOKENS_FILE, HARMONIA_DB_URL_FILE, ...). See docs/security.md.

GitOps mode (--git URL, or HARMONIA_GIT_URL): the branch is cloned under the data
folder and synced at start, then every HARMONIA_GIT_POLL_INTERVAL seconds and on
every webhook POSTed to /api/v1/git/webhook (signed with HARMONIA_GIT_WEBHOOK_SECRET).
Each run is printed on stderr, a pack with errors with its diagnostics.

Dev mode (--dev): the packs folder is watched; saving a file re-syncs its pack (and
the packs that depend on it) and prints diagnostics on stderr at once, like a
compiler in watch mode. Pack events go to /ws/events and /events in both modes.

Examples:
  $ harmonia serve
  $ harmonia serve --port 9000 --packs ./my-packs
  $ harmonia serve --dev
  $ harmonia serve --git https://github.com/acme/workflows.git --branch main --git-path packs
  $ HARMONIA_DB_URL=postgres://harmonia@db/harmonia harmonia serve --host 0.0.0.0`;

/** Registers `harmonia serve` and its alias `harmonia start` (what `npm start` runs). */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .alias('start')
    .description('run the server: sync packs, run executions, serve REST/WS/SSE on one port')
    .option('--host <host>', settingFlagHelp('host', 'address to listen on'))
    .option('--port <port>', settingFlagHelp('port', 'port to listen on, 0 for any free one'))
    .option('--packs <dir>', settingFlagHelp('packs_dir', 'packs folder'))
    .option('--data-dir <dir>', settingFlagHelp('data_dir', 'data folder for the embedded store'))
    .option('--no-sync', 'do not sync the packs folder at start')
    .option('--git <url>', settingFlagHelp('git_url', 'follow a git repository: clone, sync, poll, accept webhooks'))
    .option('--branch <name>', settingFlagHelp('git_branch', 'the branch --git follows'))
    .option('--git-path <path>', settingFlagHelp('git_path', 'the folder of the repository holding the packs'))
    .option('--dev', 'watch the packs folder and re-sync a pack when its files are saved')
    .option('--debounce <ms>', settingFlagHelp('dev_debounce_ms', 'with --dev: quiet time after a save before syncing, in ms'))
    .addHelpText('after', HELP)
    .action(async (flags: ServeFlags) => {
      const options: ConfigOptions = {};
      if (flags.host !== undefined) options.host = flags.host;
      if (flags.port !== undefined) options.port = flags.port;
      if (flags.packs !== undefined) options.packs_dir = flags.packs;
      if (flags.dataDir !== undefined) options.data_dir = flags.dataDir;
      if (flags.git !== undefined) options.git_url = flags.git;
      if (flags.branch !== undefined) options.git_branch = flags.branch;
      if (flags.gitPath !== undefined) options.git_path = flags.gitPath;
      if (flags.debounce !== undefined) options.dev_debounce_ms = flags.debounce;
      const config = ctx.config(options);
      const gitUrl = config.git_url ?? '';
      if ((flags.branch !== undefined || flags.gitPath !== undefined) && gitUrl === '') {
        throw new HarmoniaError('USAGE_INVALID', '--branch and --git-path need a git url; add --git URL or set HARMONIA_GIT_URL');
      }
      if (flags.dev === true && flags.git !== undefined) {
        throw new HarmoniaError('USAGE_INVALID', '--dev watches the local packs folder and cannot be combined with --git');
      }
      if (flags.debounce !== undefined && flags.dev !== true) {
        throw new HarmoniaError('USAGE_INVALID', '--debounce only applies with --dev');
      }
      // --dev means the local folder even when HARMONIA_GIT_URL is set in the environment.
      const hasSources = (config.git_sources ?? '').trim() !== '';
      const useGit = flags.dev !== true && (gitUrl !== '' || hasSources);
      const store = await openStore(config, ctx.cwd);
      try {
        store.claimEngine?.({ pid: process.pid, command: 'harmonia serve' });
      } catch (error) {
        await store.close();
        throw error;
      }
      const { serveHarmonia } = await import('../../server/serve.js');
      // Loaded here, not at the top: it pulls in dev mode (and the file watcher) that other commands never need.
      const { formatGitSyncReport, formatPackEvent } = await import('../output/git-sync-report.js');
      const color = shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env);
      const { createServeStderr } = await import('./serve-stderr.js');
      const stderr = createServeStderr(ctx, config.log_buffer_size);
      let running;
      try {
        running = await serveHarmonia({
          config,
          store,
          env: ctx.env,
          version: readVersion(),
          cwd: ctx.cwd,
          sync_on_start: flags.sync !== false,
          git: useGit,
          on_synced: (result) => stderr.print(formatSyncReport(result, { dryRun: false, color }) + '\n'),
          on_git_synced: (report, source) =>
            stderr.print((hasSources ? `git source '${source}':\n` : '') + formatGitSyncReport(report, { color })),
          ...(flags.dev === true
            ? { dev: { log: (line: string) => stderr.print(line + '\n'), debounce_ms: config.dev_debounce_ms } }
            : {}),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
      // Dev mode prints its own lines; in git mode every later run is told through its pack events.
      if (running.git_sources) running.pack_events.on('*', (event) => stderr.print(formatPackEvent(event, { color })));
      const several = running.git_sources && hasSources
        ? running.git_sources
            .list()
            .map((source) => `  git source '${source.name}' ${source.url} (branch ${source.branch})   webhook ${running.url}/api/v1/git/sources/${source.name}/webhook\n`)
            .join('')
        : null;
      const mode = several !== null
        ? several
        : running.git
        ? `  git ${gitUrl.replace(/\/\/[^/@]+@/, '//***@')} (branch ${config.git_branch}, path ${config.git_path})   webhook ${running.url}/api/v1/git/webhook\n`
        : flags.dev === true
          ? `  dev: watching ${config.packs_dir}; save a file to sync its pack\n`
          : '';
      stderr.print(
        `harmonia ${readVersion()} listening on ${running.url} (store: ${config.store.kind}${running.node.clustered ? `, node ${running.node.node_id}` : ''})\n` +
          `  REST ${running.url}/api/v1   docs ${running.url}/docs   events ${running.url}/events\n` +
          mode,
      );
      const server = running;
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          stderr.print(`received ${signal}: shutting down\n`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server
            .close()
            .then(() => store.close())
            .then(() => stderr.output?.waitForDrain(config.log_flush_timeout_ms))
            .then(() => {
              // Lines a reader never took (their bounded wait is over) would keep the process
              // alive as long as the pipe stays full: end it, as a shutdown must.
              if ((server.log_output?.pending() ?? 0) > 0 || (stderr.output?.pending() ?? 0) > 0) process.exit(ctx.exitCode);
            })
            .then(resolve, (error: unknown) => {
              stderr.print(`harmonia: shutdown failed: ${(error as Error).message}\n`);
              ctx.exitCode = EXIT.usage;
              resolve();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
