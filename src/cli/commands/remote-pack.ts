import type { Command } from 'commander';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { PackSetView, PackSyncView } from '../../core/wire.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from '../output/colors.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, printJson, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
\`pack sync\` and \`pack validate\` sync or validate pack folders: on the server named by
--url, HARMONIA_URL or .env.harmonia (its own packs folder), else here (HARMONIA_PACKS_DIR
into the local store). Without REF, every pack folder. The answer is the same either way.
They exit 1 when any file has errors, and with --strict when any has warnings too: a CI gate.
To check files that are not in a packs folder use \`harmonia validate PATH\`.

Examples:
  $ harmonia pack validate ci_cd            exit 1 when any file has errors
  $ harmonia pack validate --strict --url https://harmonia.example.com
  $ harmonia pack sync ci_cd --dry-run --json`;

type PackFlags = RemoteFlags & { strict?: boolean };

/** Exit 1 when the diagnostics hold an error, or under --strict a warning. */
function gate(diagnostics: readonly Diagnostic[], strict: boolean | undefined): number {
  const failing = diagnostics.some((d) => d.severity === 'error' || (strict === true && d.severity === 'warning'));
  return failing ? EXIT.problems : EXIT.ok;
}

/** Registers `harmonia pack sync [REF]` and `harmonia pack validate [REF]` (beside `pack list` and `pack show`). */
export function registerRemotePackCommand(program: Command, ctx: CliContext): void {
  const pack = commandGroup(program, 'pack', 'inspect registered packs').addHelpText('after', HELP);

  withRemoteOptions(pack.command('sync').description('sync a pack folder (or every one) into the registry').argument('[ref]', 'pack ref (default: every pack folder)'))
    .option('--dry-run', 'report what would change without registering')
    .option('--prune', 'mark definitions whose files are gone deleted')
    .option('--force', 'sync even when everything would be pruned')
    .option('--strict', 'exit 1 on warnings too')
    .action(async (ref: string | undefined, flags: PackFlags & { dryRun?: boolean; prune?: boolean; force?: boolean }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        // The report is printed and the gate applied here, so a CI log shows every diagnostic.
        const options = {
          failOn: 'none' as const,
          ...(flags.dryRun !== undefined ? { dryRun: flags.dryRun } : {}),
          ...(flags.prune !== undefined ? { prune: flags.prune } : {}),
          ...(flags.force !== undefined ? { force: flags.force } : {}),
        };
        const result: PackSyncView | PackSetView = ref === undefined ? await api.syncAllPacks(options) : await api.syncPack(ref, options);
        if (flags.json) printJson(ctx, result);
        else {
          printDiagnostics(ctx, result.diagnostics);
          const lines = 'packs' in result && Array.isArray(result.packs) ? result.packs : [result as PackSyncView];
          for (const one of lines) ctx.stdout.write(`${syncLine(one)}${flags.dryRun ? ' [dry run]' : ''}\n`);
        }
        return gate(result.diagnostics, flags.strict);
      });
    });

  withRemoteOptions(pack.command('validate').description('validate a pack folder (or every one) without registering').argument('[ref]', 'pack ref (default: every pack folder)'))
    .option('--strict', 'exit 1 on warnings too')
    .action(async (ref: string | undefined, flags: PackFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const result: PackSyncView | PackSetView = ref === undefined ? await api.validateAllPacks() : await api.validatePack(ref);
        if (flags.json) printJson(ctx, result);
        else {
          printDiagnostics(ctx, result.diagnostics);
          const lines = 'packs' in result && Array.isArray(result.packs) ? result.packs : [result as PackSyncView];
          for (const one of lines) ctx.stdout.write(`pack ${one.pack_ref}: ${one.ok ? 'valid' : 'invalid'}\n`);
        }
        return gate(result.diagnostics, flags.strict);
      });
    });
}

function syncLine(result: PackSyncView): string {
  const counts = [
    typeof result.loaded_count === 'number' ? `${result.loaded_count} loaded` : '',
    typeof result.registered_count === 'number' ? `${result.registered_count} registered` : '',
    Array.isArray(result.pruned) ? `${result.pruned.length} pruned` : '',
  ].filter((part) => part !== '');
  return `pack ${result.pack_ref}: ${result.ok ? 'synced' : 'not synced: files have errors'}${counts.length ? ` (${counts.join(', ')})` : ''}`;
}

function printDiagnostics(ctx: CliContext, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  ctx.stderr.write(formatText([...diagnostics], { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
}
