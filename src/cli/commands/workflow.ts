import type { Command } from 'commander';
import type { HarmoniaApi } from '../../core/harmonia-api.js';
import type { WorkflowDetail, WorkflowView } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { formatTable } from '../output/table.js';
import { parsePositiveInt } from './parse-flags.js';
import { printJson, withServerOptions, type RemoteFlags } from './remote-client.js';
import { registerWorkflowWriteCommands } from './workflow-write.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const LIST_HELP = `
Lists the active version of every registered workflow (run \`harmonia sync\` first).
Reads the local store, or the server named by --url or HARMONIA_URL: the output is the same.

Examples:
  $ harmonia workflow list
  $ harmonia workflow list --pack ci_cd --json`;

const SHOW_HELP = `
Shows one registered workflow: its version, where it came from and its tasks.
Without --version, the active version is shown.

Examples:
  $ harmonia workflow show ci_cd.deploy_app
  $ harmonia workflow show ci_cd.deploy_app --version 2 --source
  $ harmonia workflow show ci_cd.deploy_app --json | jq '.definition.tasks[].id'`;

/** Registers `harmonia workflow list`, `workflow show`, `workflow create|update|delete` and `workflow versions`. */
export function registerWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = program
    .command('workflow')
    .description('list, inspect and write workflows')
    .addHelpText('after', '\nExamples:\n  $ harmonia workflow list\n  $ harmonia workflow show ci_cd.deploy_app --version 2');
  withServerOptions(workflow.command('list'))
    .description('list registered workflows')
    .option('--pack <ref>', 'only workflows of this pack')
    .option('--json', 'print JSON')
    .addHelpText('after', LIST_HELP)
    .action(async (flags: RemoteFlags & { pack?: string }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const all = await listAllWorkflows(api, flags.pack);
        if (flags.json) return printJson(ctx, all);
        if (all.length === 0) return void ctx.stderr.write(flags.pack ? `no workflows in pack '${flags.pack}'\n` : 'no workflows registered; run `harmonia sync`\n');
        ctx.stdout.write(workflowTable(all));
      });
    });
  withServerOptions(workflow.command('show'))
    .description('show one registered workflow')
    .argument('<ref>', 'workflow ref (pack.name) or version id')
    .option('--version <n>', 'a specific version instead of the active one', parsePositiveInt)
    .option('--source', 'also print the YAML it was registered from')
    .option('--json', 'print JSON')
    .addHelpText('after', SHOW_HELP)
    .action(async (ref: string, flags: RemoteFlags & { version?: number; source?: boolean }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getWorkflow(ref, flags.version !== undefined ? { version: flags.version } : {});
        if (flags.json) return printJson(ctx, detail);
        ctx.stdout.write(workflowLines(detail));
        if (flags.source) ctx.stdout.write(`\n${detail.source}${detail.source.endsWith('\n') ? '' : '\n'}`);
      });
    });
  registerWorkflowWriteCommands(workflow, ctx);
  withPageFlags(withServerOptions(workflow.command('versions')))
    .description('list the stored versions of a workflow, oldest first')
    .argument('<ref>', 'workflow ref (pack.name) or version id')
    .option('--json', 'print JSON')
    .action(async (ref: string, flags: RemoteFlags & PageFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const versions = await api.listWorkflowVersions(ref, pageOptions(flags));
        if (flags.json) return printJson(ctx, versions);
        ctx.stdout.write(
          formatTable(
            [{ header: 'version', align: 'right' }, { header: 'state' }, { header: 'tasks', align: 'right' }, { header: 'registered' }, { header: 'id' }],
            versions.items.map((v) => [String(v.version), v.version === v.active_version ? (v.pinned ? 'active, pinned' : 'active') : '', String(v.task_count), v.created_at, v.id]),
          ),
        );
        const note = partialPageNote(versions);
        if (note !== null) ctx.stderr.write(note);
      });
    });
}

/** Every active workflow (of `pack`), read page by page. */
export async function listAllWorkflows(api: Pick<HarmoniaApi, 'listWorkflows'>, pack?: string): Promise<WorkflowView[]> {
  const all: WorkflowView[] = [];
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const page = await api.listWorkflows({ limit, offset, ...(pack !== undefined ? { pack } : {}) });
    all.push(...page.items);
    if (page.items.length < limit || all.length >= page.total) return all;
  }
}

/** The human table of workflows (also printed by `harmonia start`). */
export function workflowTable(views: ReadonlyArray<Pick<WorkflowView, 'ref' | 'version' | 'task_count' | 'name' | 'description'>>): string {
  return formatTable(
    [{ header: 'ref' }, { header: 'version', align: 'right' }, { header: 'tasks', align: 'right' }, { header: 'name' }],
    views.map((w) => [w.ref, String(w.version), String(w.task_count), w.name ?? w.description ?? '']),
  );
}

function workflowLines(detail: WorkflowDetail): string {
  const state = [
    detail.version === detail.active_version ? 'active' : 'inactive',
    `latest ${detail.latest_version}`,
    ...(detail.pinned ? ['pinned'] : []),
  ].join(', ');
  const lines = [
    `${detail.ref}  version ${detail.version} (${state})`,
    ...(detail.name ? [`name:        ${detail.name}`] : []),
    ...(detail.description ? [`description: ${detail.description}`] : []),
    `pack:        ${detail.pack_ref}`,
    `file:        ${detail.file}`,
    `hash:        ${detail.content_hash}`,
    `registered:  ${detail.created_at} (${detail.origin.source}${detail.origin.commit ? ` ${detail.origin.commit}` : ''})`,
    `id:          ${detail.id}`,
    '',
    '',
  ];
  const tasks = (detail.definition.tasks ?? []).map((t) => [t.id, t.component ? `${t.component}/${t.action}` : t.action, t.depends_on.join(', ') || '-']);
  return lines.join('\n') + formatTable([{ header: 'task' }, { header: 'action' }, { header: 'depends on' }], tasks);
}
