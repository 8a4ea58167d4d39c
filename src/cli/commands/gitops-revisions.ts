import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { parsePositiveInt } from './parse-flags.js';
import { parseKind, workflowGroup } from './gitops-shared.js';

const PURGE_HELP = `
Deletes one stored version for good, its YAML source included — for a secret
committed by mistake. The active version and versions that unfinished executions
run are refused. Remove the secret from git history too, or a sync of that commit
brings it back.

Examples:
  $ harmonia workflow purge ci_cd.deploy_app 4`;

const RETAIN_HELP = `
Keeps the newest N versions of every workflow, template and action and purges the
older ones — never the active version, never one an unfinished execution runs.

Examples:
  $ harmonia workflow retain --keep 20 --dry-run
  $ harmonia workflow retain --keep 20 --json`;

/** Registers `harmonia workflow purge REF VERSION` and `harmonia workflow retain --keep N`. */
export function registerRevisionCommands(program: Command, ctx: CliContext): void {
  const group = workflowGroup(program);
  group
    .command('purge')
    .description('delete one stored version for good (e.g. a committed secret)')
    .argument('<ref>', 'workflow ref (pack.name)')
    .argument('<version>', 'the version number to delete', parsePositiveInt)
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .addHelpText('after', PURGE_HELP)
    .action(async (ref: string, version: number, flags: { kind: DefinitionKind }) => {
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { createInUseCheck, purgeRevision } = await import('../../gitops/retention.js');
        const isInUse = await createInUseCheck(store.executions);
        await purgeRevision(store, { kind: flags.kind, ref, version, isInUse });
        ctx.stdout.write(`purged version ${version} of ${flags.kind} ${ref}\n`);
      });
    });
  group
    .command('retain')
    .description('purge all but the newest N versions of every ref')
    .requiredOption('--keep <n>', 'versions to keep per ref', parsePositiveInt)
    .option('-n, --dry-run', 'list what would be purged; delete nothing')
    .option('--json', 'print JSON')
    .addHelpText('after', RETAIN_HELP)
    .action(async (flags: { keep: number; dryRun?: boolean; json?: boolean }) => {
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { applyRetention, createInUseCheck } = await import('../../gitops/retention.js');
        const isInUse = await createInUseCheck(store.executions);
        const result = await applyRetention(store, { keep: flags.keep, isInUse, dry_run: flags.dryRun === true });
        if (flags.json) {
          ctx.stdout.write(JSON.stringify({ dry_run: flags.dryRun === true, ...result }, null, 2) + '\n');
          return;
        }
        const verb = flags.dryRun ? 'would purge' : 'purged';
        for (const key of result.purged) ctx.stdout.write(`${verb} ${key.kind} ${key.ref} v${key.version}\n`);
        for (const key of result.kept_in_use) ctx.stdout.write(`kept ${key.kind} ${key.ref} v${key.version} (in use)\n`);
        ctx.stdout.write(`${verb} ${result.purged.length} version(s), kept ${result.kept_in_use.length} in use\n`);
      });
    });
}
