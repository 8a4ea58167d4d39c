import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import type { DefinitionRecord, WorkflowDef } from '../../core/model.js';
import { createRegistry } from '../../registry/create-registry.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { formatTable } from '../output/table.js';
import { parsePositiveInt } from './parse-flags.js';
import { explicitRemoteTarget, withServerOptions } from './remote-client.js';
import { runRemoteWorkflowList, runRemoteWorkflowShow } from './remote-workflow.js';

const LIST_HELP = `
Lists the active version of every registered workflow (run \`harmonia sync\` first).

Examples:
  $ harmonia workflow list
  $ harmonia workflow list --pack ci_cd --json`;

const SHOW_HELP = `
Shows one registered workflow: its version, where it came from and its tasks.
Without --version, the active version is shown.

Examples:
  $ harmonia workflow show ci_cd.deploy_app
  $ harmonia workflow show ci_cd.deploy_app --version 2 --source
  $ harmonia workflow show ci_cd.deploy_app --json | jq '.body.tasks[].id'`;

/** Registers `harmonia workflow list` and `harmonia workflow show`. */
export function registerWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = program
    .command('workflow')
    .description('list and inspect registered workflows')
    .addHelpText('after', '\nExamples:\n  $ harmonia workflow list\n  $ harmonia workflow show ci_cd.deploy_app --version 2');
  withServerOptions(workflow.command('list'))
    .description('list registered workflows')
    .option('--pack <ref>', 'only workflows of this pack')
    .option('--json', 'print JSON')
    .addHelpText('after', LIST_HELP)
    .action(async (flags: { pack?: string; json?: boolean; url?: string; token?: string }) => {
      if (explicitRemoteTarget(ctx, flags)) return runRemoteWorkflowList(ctx, flags);
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const registry = createRegistry(store);
        if (flags.pack !== undefined && !(await store.registry.getPack(flags.pack))) {
          throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${flags.pack}'; run \`harmonia pack list\` to see the registered ones`);
        }
        const all = flags.pack
          ? ((await registry.findByPack(flags.pack, 'workflow')) as DefinitionRecord<WorkflowDef>[])
          : await listAllWorkflows(registry.listWorkflows);
        if (flags.json) {
          ctx.stdout.write(JSON.stringify(all.map(summary), null, 2) + '\n');
          return;
        }
        if (all.length === 0) {
          ctx.stderr.write(flags.pack ? `no workflows in pack '${flags.pack}'\n` : 'no workflows registered; run `harmonia sync`\n');
          return;
        }
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
    .action(async (ref: string, flags: { version?: number; source?: boolean; json?: boolean; url?: string; token?: string }) => {
      if (explicitRemoteTarget(ctx, flags)) return runRemoteWorkflowShow(ctx, ref, flags);
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const registry = createRegistry(store);
        const record = await registry.getWorkflow(ref, flags.version);
        const head = await registry.head('workflow', record.ref);
        if (flags.json) {
          ctx.stdout.write(JSON.stringify({ ...record, head }, null, 2) + '\n');
          return;
        }
        const state = [
          record.version === head.active_version ? 'active' : 'inactive',
          `latest ${head.latest_version}`,
          ...(head.pinned ? ['pinned'] : []),
          ...(head.deleted_at ? [`pruned ${head.deleted_at}`] : []),
        ].join(', ');
        const body = record.body;
        const lines = [
          `${record.ref}  version ${record.version} (${state})`,
          ...(body.name ? [`name:        ${body.name}`] : []),
          ...(body.description ? [`description: ${body.description}`] : []),
          `pack:        ${record.pack_ref}`,
          `file:        ${record.file}`,
          `hash:        ${record.content_hash}`,
          `registered:  ${record.created_at} (${record.origin.source}${record.origin.commit ? ` ${record.origin.commit}` : ''})`,
          `id:          ${record.id}`,
          '',
          '',
        ];
        ctx.stdout.write(lines.join('\n'));
        const tasks = (body.tasks ?? []).map((t) => [t.id, t.component ? `${t.component}/${t.action}` : t.action, t.depends_on.join(', ') || '-']);
        ctx.stdout.write(formatTable([{ header: 'task' }, { header: 'action' }, { header: 'depends on' }], tasks));
        if (flags.source) ctx.stdout.write(`\n${record.source}${record.source.endsWith('\n') ? '' : '\n'}`);
      });
    });
}

/** Every active workflow, read page by page. */
export async function listAllWorkflows(
  listWorkflows: (query: { limit: number; offset: number }) => Promise<{ items: DefinitionRecord<WorkflowDef>[] }>,
): Promise<DefinitionRecord<WorkflowDef>[]> {
  const all: DefinitionRecord<WorkflowDef>[] = [];
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const page = await listWorkflows({ limit, offset });
    all.push(...page.items);
    if (page.items.length < limit) return all;
  }
}

function summary(record: DefinitionRecord) {
  const body = record.body as Partial<WorkflowDef>;
  return {
    ref: record.ref,
    pack_ref: record.pack_ref,
    version: record.version,
    id: record.id,
    name: body.name ?? null,
    description: body.description ?? null,
    task_count: body.tasks?.length ?? 0,
    file: record.file,
    created_at: record.created_at,
  };
}

/** The human table of workflows (also printed by `harmonia start`). */
export function workflowTable(records: readonly DefinitionRecord<WorkflowDef>[]): string {
  return formatTable(
    [{ header: 'ref' }, { header: 'version', align: 'right' }, { header: 'tasks', align: 'right' }, { header: 'name' }],
    records.map((r) => [r.ref, String(r.version), String(r.body.tasks?.length ?? 0), r.body.name ?? r.body.description ?? '']),
  );
}
