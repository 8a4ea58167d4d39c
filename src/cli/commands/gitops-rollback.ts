import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { PinChange } from '../../gitops/rollback.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { parseKind } from './gitops-shared.js';

const HELP = `
Makes an older version of a workflow active again and pins it: later git syncs
still record new versions, but the pinned one stays active until
\`harmonia unpin REF\`. Executions already running keep the version they started
with. --to takes a version number or a commit sha (a prefix of 4+ hex digits) from
\`harmonia workflow history REF\`.

Examples:
  $ harmonia rollback ci_cd.deploy_app --to 3
  $ harmonia rollback ci_cd.deploy_app --to 9f2c1e7
  $ harmonia rollback ci_cd.build --kind action --to 2 --json`;

/** One line saying what a rollback or unpin did (pure). */
export function describePinChange(change: PinChange): string {
  const commit = change.commit ? ` (${change.commit.slice(0, 7)})` : '';
  const moved =
    change.from_version === change.to_version
      ? `stays on version ${change.to_version}${commit}`
      : `version ${change.from_version} → ${change.to_version}${commit}`;
  const pin = change.pinned ? 'pinned; git syncs will not change it until `harmonia unpin`' : 'unpinned; follows git again';
  return `${change.kind} ${change.ref}: ${moved}, ${pin}\n`;
}

/** Registers `harmonia rollback REF --to VERSION|SHA`. */
export function registerRollbackCommand(program: Command, ctx: CliContext): void {
  program
    .command('rollback')
    .description('re-activate an older version of a workflow and pin it')
    .argument('<ref>', 'workflow ref (pack.name)')
    .requiredOption('--to <version|sha>', 'the version number or commit sha to go back to')
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (ref: string, flags: { to: string; kind: DefinitionKind; json?: boolean }) => {
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { rollbackDefinition } = await import('../../gitops/rollback.js');
        const change = await rollbackDefinition(store, { kind: flags.kind, ref, to: flags.to });
        ctx.stdout.write(flags.json ? JSON.stringify(change, null, 2) + '\n' : describePinChange(change));
      });
    });
}
