import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { watchExecution } from './remote-execution.js';
import { commandGroup, jsonObjectParser, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const RUN_HELP = `
Starts an execution on a running server (--url, HARMONIA_URL); \`harmonia run\`
runs one in this process instead. REF is a workflow ref (pack.name) or a version
id. With --wait the command follows the execution (progress bars on a terminal,
one line per event otherwise) and exits 1 unless it completed; with --wait --json
it prints the finished execution.

Examples:
  $ harmonia workflow run ci_cd.deploy_app --input '{"env":"staging"}'
  $ harmonia workflow run ci_cd.deploy_app --input-file input.json --wait
  $ harmonia workflow run ci_cd.deploy_app --wait --json | jq .output`;

const REF_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** Registers `harmonia workflow run` (beside the local `workflow list` and `workflow show`). */
export function registerRemoteWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = commandGroup(program, 'workflow', 'list, inspect and run workflows');
  withRemoteOptions(workflow.command('run').description('start an execution of a workflow on a server').argument('<ref>', 'workflow ref or version id'))
    .option('--input <json>', 'the execution input as a JSON object, or @file.json', jsonObjectParser(ctx.cwd))
    .option('--input-file <path>', 'read the input from a JSON file (as `harmonia run` does)', (path: string) => jsonObjectParser(ctx.cwd)(`@${path}`))
    .option('--wait', 'follow the execution until it finishes')
    .addHelpText('after', RUN_HELP)
    .action(async (ref: string, flags: RemoteFlags & { input?: Record<string, unknown>; inputFile?: Record<string, unknown>; wait?: boolean }) => {
      await runRemote(ctx, flags, async (client) => {
        const input = flags.input ?? flags.inputFile ?? {};
        const execution = await client.executeWorkflow({ ...(REF_PATTERN.test(ref) ? { workflow_ref: ref } : { workflow_id: ref }), input });
        if (!flags.wait) {
          if (flags.json) return printJson(ctx, execution);
          ctx.stdout.write(`started execution ${execution.execution_id} of ${execution.workflow_ref}@${execution.workflow_version} (${execution.status})\n`);
          return;
        }
        if (flags.json) {
          const final = await client.waitForCompletion(execution.execution_id);
          printJson(ctx, final);
          return final.status === 'completed' ? EXIT.ok : EXIT.problems;
        }
        ctx.stderr.write(`started execution ${execution.execution_id}\n`);
        const code = await watchExecution(ctx, client, execution.execution_id, flags);
        if (code !== EXIT.ok) {
          // Under the failure, what the failed tasks printed last: usually the reason.
          const { failedTaskTails } = await import('./logs.js');
          const reader = {
            getStatus: async (id: string) => ({ task_statuses: (await client.getWorkflowStatus(id)).task_statuses }),
            readLogs: async (id: string, query: { task_id?: string; attempt?: number }) => {
              const lines = [];
              for await (const line of client.logs(id, { ...(query.task_id !== undefined ? { task: query.task_id } : {}), ...(query.attempt !== undefined ? { attempt: query.attempt } : {}) })) lines.push(line);
              return lines;
            },
          };
          for (const tail of await failedTaskTails(reader, execution.execution_id)) {
            ctx.stderr.write(`  last lines of ${tail.task_id}'s log (harmonia logs ${execution.execution_id} ${tail.task_id} --url ...):\n${tail.lines.map((line) => `    ${line}\n`).join('')}`);
          }
        }
        return code;
      });
    });
}

/**
 * `workflow list` against a server. The local command calls this when
 * explicitRemoteTarget() finds --url or HARMONIA_URL.
 */
export async function runRemoteWorkflowList(ctx: CliContext, flags: RemoteFlags & { pack?: string }): Promise<void> {
  await runRemote(ctx, flags, async (client) => {
    const items = [];
    for (let offset = 0; ; ) {
      const page = await client.listWorkflows({ limit: 500, offset, ...(flags.pack !== undefined ? { pack: flags.pack } : {}) });
      items.push(...page.items);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    if (flags.json) return printJson(ctx, items);
    if (items.length === 0) return void ctx.stderr.write('no workflows registered on the server\n');
    ctx.stdout.write(
      formatTable(
        [{ header: 'ref' }, { header: 'version', align: 'right' }, { header: 'tasks', align: 'right' }, { header: 'name' }],
        items.map((w) => [w.ref, String(w.version), String(w.task_count), w.name ?? w.description ?? '']),
      ),
    );
  });
}

/** `workflow show` against a server (see runRemoteWorkflowList). */
export async function runRemoteWorkflowShow(
  ctx: CliContext,
  ref: string,
  flags: RemoteFlags & { version?: number; source?: boolean },
): Promise<void> {
  await runRemote(ctx, flags, async (client) => {
    const detail = await client.getWorkflow(ref, flags.version !== undefined ? { version: flags.version } : {});
    if (flags.json) return printJson(ctx, detail);
    const lines = [
      `${detail.ref}  version ${detail.version} (active ${detail.active_version}, latest ${detail.latest_version}${detail.pinned ? ', pinned' : ''})`,
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
    ctx.stdout.write(lines.join('\n'));
    const tasks = detail.definition.tasks.map((t) => [t.id, t.component ? `${t.component}/${t.action}` : t.action, t.depends_on.join(', ') || '-']);
    ctx.stdout.write(formatTable([{ header: 'task' }, { header: 'action' }, { header: 'depends on' }], tasks));
    if (flags.source) ctx.stdout.write(`\n${detail.source}${detail.source.endsWith('\n') ? '' : '\n'}`);
  });
}
