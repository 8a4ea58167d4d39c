import type { Command } from 'commander';
import type { PackView } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { formatTable } from '../output/table.js';
import { printJson, withServerOptions, type RemoteFlags } from './remote-client.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const HELP = `
Lists registered packs with how many workflows, templates and actions each has.
Reads the local store, or the server named by --url or HARMONIA_URL: the output is the same.

Examples:
  $ harmonia pack list
  $ harmonia pack list --json | jq '.[].ref'
  $ harmonia pack show ci_cd`;

/** Registers `harmonia pack list` and `harmonia pack show`. */
export function registerPackCommand(program: Command, ctx: CliContext): void {
  const pack = program
    .command('pack')
    .description('inspect registered packs')
    .addHelpText('after', '\nExamples:\n  $ harmonia pack list\n  $ harmonia pack list --json');
  withPageFlags(withServerOptions(pack.command('list')))
    .description('list registered packs')
    .option('--json', 'print JSON (the page\'s packs)')
    .addHelpText('after', HELP)
    .action(async (flags: RemoteFlags & PageFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const page = await api.listPacks(pageOptions(flags));
        if (flags.json) return printJson(ctx, page.items);
        if (page.items.length === 0 && page.total === 0) return void ctx.stderr.write('no packs registered; run `harmonia sync`\n');
        ctx.stdout.write(packTable(page.items));
        const note = partialPageNote(page);
        if (note !== null) ctx.stderr.write(note);
      });
    });
  withServerOptions(pack.command('show'))
    .description('show one registered pack')
    .argument('<ref>', 'pack ref')
    .option('--json', 'print JSON')
    .action(async (ref: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const view = await api.getPack(ref);
        if (flags.json) return printJson(ctx, view);
        const lines = [
          `pack ${view.ref}  version ${view.version}`,
          ...(view.label ? [`label:       ${view.label}`] : []),
          ...(view.description ? [`description: ${view.description}`] : []),
          `defines:     ${view.workflow_count} workflows, ${view.template_count} templates, ${view.action_count} actions`,
          `registered:  ${view.created_at}`,
          `updated:     ${view.updated_at}`,
        ];
        ctx.stdout.write(lines.join('\n') + '\n');
      });
    });
}

/** The human table of packs (also printed by `harmonia start`). */
export function packTable(views: readonly PackView[]): string {
  return formatTable(
    [
      { header: 'pack' },
      { header: 'version' },
      { header: 'workflows', align: 'right' },
      { header: 'templates', align: 'right' },
      { header: 'actions', align: 'right' },
      { header: 'description' },
    ],
    views.map((p) => [p.ref, p.version, String(p.workflow_count), String(p.template_count), String(p.action_count), p.description ?? p.label ?? '']),
  );
}
