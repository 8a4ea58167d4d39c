import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from '../output/colors.js';
import { commandGroup, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
\`pack sync\` and \`pack validate\` ask a running server (--url, HARMONIA_URL) to sync or
validate one pack from its own packs folder. To check files on this machine use
\`harmonia validate\`; to load them into the local store use \`harmonia sync\`.

Examples:
  $ harmonia pack validate ci_cd            exit 1 when any file has errors
  $ harmonia pack sync ci_cd --dry-run --json`;

/** Registers `harmonia pack sync REF` and `harmonia pack validate REF` (beside the local `pack list`). */
export function registerRemotePackCommand(program: Command, ctx: CliContext): void {
  const pack = commandGroup(program, 'pack', 'inspect registered packs').addHelpText('after', HELP);

  withRemoteOptions(pack.command('sync').description("sync a pack from the server's packs folder").argument('<ref>', 'pack ref'))
    .option('--dry-run', 'report what would change without registering')
    .option('--prune', 'mark definitions whose files are gone deleted')
    .option('--force', 'sync even when files have errors or everything would be pruned')
    .action(async (ref: string, flags: RemoteFlags & { dryRun?: boolean; prune?: boolean; force?: boolean }) => {
      await runRemote(ctx, flags, async (client) => {
        const result = await client.syncPack(ref, {
          ...(flags.dryRun !== undefined ? { dryRun: flags.dryRun } : {}),
          ...(flags.prune !== undefined ? { prune: flags.prune } : {}),
          ...(flags.force !== undefined ? { force: flags.force } : {}),
        });
        if (flags.json) printJson(ctx, result);
        else {
          printDiagnostics(ctx, result.diagnostics);
          const counts = [
            typeof result.loaded_count === 'number' ? `${result.loaded_count} loaded` : '',
            typeof result.registered_count === 'number' ? `${result.registered_count} registered` : '',
            Array.isArray(result.pruned) ? `${result.pruned.length} pruned` : '',
          ].filter((part) => part !== '');
          ctx.stdout.write(`pack ${result.pack_ref}: ${result.ok ? 'synced' : 'synced with errors'}${counts.length ? ` (${counts.join(', ')})` : ''}${flags.dryRun ? ' [dry run]' : ''}\n`);
        }
        return result.ok ? EXIT.ok : EXIT.problems;
      });
    });

  withRemoteOptions(pack.command('validate').description("validate a pack in the server's packs folder without registering").argument('<ref>', 'pack ref')).action(
    async (ref: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const result = await client.validatePack(ref);
        if (flags.json) printJson(ctx, result);
        else {
          printDiagnostics(ctx, result.diagnostics);
          ctx.stdout.write(`pack ${result.pack_ref ?? ref}: ${result.ok ? 'valid' : 'invalid'}\n`);
        }
        return result.ok ? EXIT.ok : EXIT.problems;
      });
    },
  );
}

function printDiagnostics(ctx: CliContext, diagnostics: Parameters<typeof formatText>[0]): void {
  if (diagnostics.length === 0) return;
  ctx.stderr.write(formatText(diagnostics, { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
}
