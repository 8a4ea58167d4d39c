import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { describePinChange } from './gitops-rollback.js';
import { parseKind } from './gitops-shared.js';

const HELP = `
Clears the pin a rollback set: the newest version becomes active again and later
git syncs move the workflow as commits arrive.

Examples:
  $ harmonia unpin ci_cd.deploy_app
  $ harmonia unpin ci_cd.build --kind action --json`;

/** Registers `harmonia unpin REF`. */
export function registerUnpinCommand(program: Command, ctx: CliContext): void {
  program
    .command('unpin')
    .description('follow git again after a rollback (activate the newest version)')
    .argument('<ref>', 'workflow ref (pack.name)')
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (ref: string, flags: { kind: DefinitionKind; json?: boolean }) => {
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { unpinDefinition } = await import('../../gitops/rollback.js');
        const change = await unpinDefinition(store, { kind: flags.kind, ref });
        ctx.stdout.write(flags.json ? JSON.stringify(change, null, 2) + '\n' : describePinChange(change));
      });
    });
}
