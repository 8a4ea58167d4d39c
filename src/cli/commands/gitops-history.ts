import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { DefinitionHistory } from '../../gitops/definition-history.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { formatTable } from '../output/table.js';
import { firstLine, parseKind, workflowGroup } from './gitops-shared.js';

const HELP = `
Lists every stored version of a workflow with the git commit it came from (sha,
author, date, message). '*' marks the active version; a pinned ref says so.

Examples:
  $ harmonia workflow history ci_cd.deploy_app
  $ harmonia workflow history ci_cd.deploy_app --json | jq '.entries[].commit'
  $ harmonia workflow history ci_cd.build --kind action`;

/** The history as an aligned table (pure). */
export function formatHistory(history: DefinitionHistory): string {
  const rows = history.entries.map((entry) => [
    `${entry.active ? '*' : ' '}${entry.version}`,
    entry.commit ? entry.commit.slice(0, 7) : `(${entry.source})`,
    entry.author ?? '',
    entry.date.slice(0, 19).replace('T', ' '),
    firstLine(entry.message),
  ]);
  const table = formatTable(
    [{ header: 'version', align: 'right' }, { header: 'commit' }, { header: 'author' }, { header: 'date' }, { header: 'message' }],
    rows,
  );
  const { head } = history;
  const state = head.pinned
    ? `pinned to version ${head.active_version} (latest ${head.latest_version}); \`harmonia unpin ${history.ref}\` follows git again`
    : `version ${head.active_version} active, latest ${head.latest_version}`;
  return `${history.kind} ${history.ref}: ${state}${head.deleted_at ? `; pruned ${head.deleted_at}` : ''}\n\n${table}`;
}

/** Registers `harmonia workflow history REF`. */
export function registerWorkflowHistoryCommand(program: Command, ctx: CliContext): void {
  workflowGroup(program)
    .command('history')
    .description('list the versions of a workflow with their commits')
    .argument('<ref>', 'workflow ref (pack.name)')
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (ref: string, flags: { kind: DefinitionKind; json?: boolean }) => {
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { getDefinitionHistory } = await import('../../gitops/definition-history.js');
        const history = await getDefinitionHistory(store, flags.kind, ref);
        ctx.stdout.write(flags.json ? JSON.stringify(history, null, 2) + '\n' : formatHistory(history));
      });
    });
}
