import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { WorkflowHistoryView } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { withStore } from '../open-store.js';
import { formatTable } from '../output/table.js';
import { firstLine, parseKind, workflowGroup } from './gitops-shared.js';
import { withServerOptions, type RemoteFlags } from './remote-client.js';
import { pageItems } from '../../app/page.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const HELP = `
Lists every stored version of a workflow with the git commit it came from (sha,
author, date, message). '*' marks the active version; a pinned ref says so. Workflows
are read from the local store or the server named by --url, with the same output;
--kind template or action reads the local store.

Examples:
  $ harmonia workflow history ci_cd.deploy_app
  $ harmonia workflow history ci_cd.deploy_app --json | jq '.items[].commit'
  $ harmonia workflow history ci_cd.build --kind action`;

/** The history as an aligned table (pure). */
export function formatHistory(history: WorkflowHistoryView): string {
  const rows = history.items.map((entry) => [
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
  const state = history.pinned
    ? `pinned to version ${history.active_version} (latest ${history.latest_version}); \`harmonia unpin ${history.ref}\` follows git again`
    : `version ${history.active_version} active, latest ${history.latest_version}`;
  return `${history.kind} ${history.ref}: ${state}\n\n${table}`;
}

/** Registers `harmonia workflow history REF`. */
export function registerWorkflowHistoryCommand(program: Command, ctx: CliContext): void {
  withPageFlags(withServerOptions(workflowGroup(program).command('history')))
    .description('list the versions of a workflow with their commits')
    .argument('<ref>', 'workflow ref (pack.name)')
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (ref: string, flags: RemoteFlags & PageFlags & { kind: DefinitionKind }) => {
      const print = (history: WorkflowHistoryView): void => {
        ctx.stdout.write(flags.json ? JSON.stringify(history, null, 2) + '\n' : formatHistory(history));
        const note = flags.json ? null : partialPageNote(history);
        if (note !== null) ctx.stderr.write(note);
      };
      if (flags.kind === 'workflow') return runWithHarmonia(ctx, flags, async (api) => void print(await api.getWorkflowHistory(ref, pageOptions(flags))));
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { getDefinitionHistory } = await import('../../gitops/definition-history.js');
        const { kind, head, entries } = await getDefinitionHistory(store, flags.kind, ref);
        print({ kind, ref, active_version: head.active_version, latest_version: head.latest_version, pinned: head.pinned, ...pageItems(entries, pageOptions(flags)) });
      });
    });
}
