import type { Command } from 'commander';
import type { ConfigOptions } from '../../config.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { openStore } from '../open-store.js';
import { formatSyncReport } from '../output/sync-report.js';
import { shouldUseColor } from '../output/colors.js';
import { readVersion } from '../version.js';

interface ServeFlags {
  host?: string;
  port?: string;
  packs?: string;
  dataDir?: string;
  sync?: boolean;
}

const HELP = `
Starts the server on one port: REST under /api and /api/v1, WebSocket under /ws,
SSE under /events, OpenAPI at /openapi.json and /docs. It syncs the packs folder,
carries on every unfinished execution in the store, and shuts down gracefully on
SIGTERM or Ctrl-C (running tasks finish or are handed back; nothing is lost).

Settings come from flags, then HARMONIA_* variables, then .env.harmonia, then
defaults; \`harmonia config\` shows them. Without HARMONIA_API_TOKENS (or a token
from \`harmonia token create\`) the server only listens on a loopback address.

Examples:
  $ harmonia serve
  $ harmonia serve --port 9000 --packs ./my-packs
  $ HARMONIA_DB_URL=postgres://harmonia@db/harmonia harmonia serve --host 0.0.0.0`;

/** Registers `harmonia serve` and its alias `harmonia start` (what `npm start` runs). */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .alias('start')
    .description('run the server: sync packs, run executions, serve REST/WS/SSE on one port')
    .option('--host <host>', 'address to listen on (HARMONIA_HOST)')
    .option('--port <port>', 'port to listen on, 0 for any free one (HARMONIA_PORT)')
    .option('--packs <dir>', 'packs folder (HARMONIA_PACKS_DIR)')
    .option('--data-dir <dir>', 'data folder for the embedded store (HARMONIA_DATA_DIR)')
    .option('--no-sync', 'do not sync the packs folder at start')
    .addHelpText('after', HELP)
    .action(async (flags: ServeFlags) => {
      const options: ConfigOptions = {};
      if (flags.host !== undefined) options.host = flags.host;
      if (flags.port !== undefined) options.port = flags.port;
      if (flags.packs !== undefined) options.packs_dir = flags.packs;
      if (flags.dataDir !== undefined) options.data_dir = flags.dataDir;
      const config = ctx.config(options);
      const store = await openStore(config, ctx.cwd);
      const { serveHarmonia } = await import('../../server/serve.js');
      const color = shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env);
      let running;
      try {
        running = await serveHarmonia({
          config,
          store,
          env: ctx.env,
          version: readVersion(),
          cwd: ctx.cwd,
          sync_on_start: flags.sync !== false,
          on_synced: (result) => ctx.stderr.write(formatSyncReport(result, { dryRun: false, color }) + '\n'),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
      ctx.stderr.write(
        `harmonia ${readVersion()} listening on ${running.url} (store: ${config.store.kind})\n` +
          `  REST ${running.url}/api/v1   docs ${running.url}/docs   events ${running.url}/events\n`,
      );
      const server = running;
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          ctx.stderr.write(`received ${signal}: shutting down\n`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server
            .close()
            .then(() => store.close())
            .then(resolve, (error: unknown) => {
              ctx.stderr.write(`harmonia: shutdown failed: ${(error as Error).message}\n`);
              ctx.exitCode = EXIT.usage;
              resolve();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
