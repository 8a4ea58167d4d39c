import type { Command } from 'commander';
import { createRegistry } from '../../registry/create-registry.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { shouldUseColor } from '../output/colors.js';
import { withStore } from '../open-store.js';
import { formatSyncReport } from '../output/sync-report.js';
import { formatText } from '../format/text.js';
import { listPackListings, packTable } from './pack.js';
import { listAllWorkflows, workflowTable } from './workflow.js';

const HELP = `
Syncs the packs folder (HARMONIA_PACKS_DIR, default ./packs) into the embedded
store (HARMONIA_DATA_DIR, default ./.harmonia) and prints what is registered.
This is what \`npm start\` runs.

Examples:
  $ harmonia start
  $ HARMONIA_PACKS_DIR=examples/packs harmonia start`;

/** Registers `harmonia start`. */
export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('sync ./packs into the embedded store and show the registry')
    .addHelpText('after', HELP)
    .action(async () => {
      const config = ctx.config();
      const color = shouldUseColor(ctx.stdout.isTTY ?? false, ctx.env);
      ctx.exitCode = await withStore(config, ctx.cwd, async (store) => {
        const { createPackSyncService } = await import('../../packs/sync-packs.js');
        const result = await createPackSyncService({ store, packsDir: config.packs_dir }).syncAll({
          max_file_size: config.max_file_size,
        });
        const errors = result.packs.flatMap((p) => p.errors);
        if (errors.length > 0) ctx.stderr.write(formatText(errors, { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: false }));
        ctx.stdout.write(`store: ${config.store.kind === 'sqlite' ? config.store.file : 'PostgreSQL'} (packs from ${config.packs_dir})\n\n`);
        ctx.stdout.write(formatSyncReport(result, { dryRun: false, color }) + '\n');
        ctx.stdout.write(packTable(await listPackListings(store)) + '\n');
        ctx.stdout.write(workflowTable(await listAllWorkflows(createRegistry(store).listWorkflows)));
        return errors.length > 0 ? EXIT.problems : EXIT.ok;
      });
    });
}
