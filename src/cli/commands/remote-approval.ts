import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { terminalWidth } from '../output/terminal-width.js';
import { parsePositiveInt } from './parse-flags.js';
import { commandGroup, jsonObjectParser, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { acceptShortExecutionId } from './execution-id-arg.js';

const HELP = `
Pending approvals of core.approval tasks on a server (--url, HARMONIA_URL). Deciding needs
a token with the task's scope ('approve' by default; admin always passes) and, when the task
lists approvers, a token named there (its id or label).

Examples:
  $ harmonia approval list
  $ harmonia approval approve 0b6f... review --comment "looks good"
  $ harmonia approval reject 0b6f... review --comment "not before the freeze ends"`;

/** Registers `harmonia execution signal ID NAME [--data JSON|@file]` on the execution group. */
export function registerSignalCommand(execution: Command, ctx: CliContext): void {
  const signal = withRemoteOptions(
    execution
      .command('signal')
      .description("send a signal: the oldest core.signal task waiting for NAME takes it (now or when one starts waiting); the data becomes its output")
      .argument('<id>', 'execution id')
      .argument('<name>', 'signal name')
      .option('--data <json>', 'the payload, a JSON object or @file.json', jsonObjectParser(ctx.cwd), {}),
  );
  acceptShortExecutionId(signal, ctx).action(async (id: string, name: string, flags: RemoteFlags & { data: Record<string, unknown> }) => {
    await runRemote(ctx, flags, async (client) => {
      const result = await client.signal(id, name, flags.data);
      if (flags.json) return printJson(ctx, result);
      ctx.stdout.write(`${result.execution_id}: signal '${result.signal}' recorded (${result.status})\n`);
    });
  });
}

/** Registers `harmonia approval list|approve|reject` (alias `approvals`). */
export function registerRemoteApprovalCommand(program: Command, ctx: CliContext): void {
  const approval = commandGroup(program, 'approval', 'list, approve and reject pending approvals on a server').alias('approvals').addHelpText('after', HELP);

  withRemoteOptions(approval.command('list').description('list pending approvals, oldest first').option('--limit <n>', 'how many', parsePositiveInt, 50)).action(
    async (flags: RemoteFlags & { limit: number }) => {
      await runRemote(ctx, flags, async (client) => {
        const page = await client.listApprovals({ limit: flags.limit });
        if (flags.json) return printJson(ctx, page);
        if (page.items.length === 0) return void ctx.stderr.write('no pending approvals\n');
        ctx.stdout.write(
          formatTable(
            [{ header: 'execution' }, { header: 'task' }, { header: 'workflow' }, { header: 'since' }, { header: 'expires' }, { header: 'approvers' }, { header: 'message' }],
            page.items.map((a) => [a.execution_id, a.task_id, a.workflow_ref, a.waiting_since ?? '-', a.deadline ?? 'never', a.approvers?.join(',') ?? `scope ${a.scope ?? 'approve'}`, a.message ?? '']),
            { width: terminalWidth(ctx) },
          ),
        );
        if (page.total > page.items.length) ctx.stderr.write(`(${page.items.length} of ${page.total}; use --limit)\n`);
      });
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    const decide = withRemoteOptions(
      approval
        .command(decision)
        .description(decision === 'approve' ? 'approve a waiting task: it completes with the decision as output' : 'reject a waiting task: it fails with REJECTED (or completes, under on_reject: complete)')
        .argument('<id>', 'execution id')
        .argument('<task>', 'the core.approval task')
        .option('--comment <text>', 'why, recorded with the decision'),
    );
    acceptShortExecutionId(decide, ctx).action(async (id: string, task: string, flags: RemoteFlags & { comment?: string }) => {
      await runRemote(ctx, flags, async (client) => {
        const result = await client.decideApproval(id, task, decision, flags.comment === undefined ? {} : { comment: flags.comment });
        if (flags.json) return printJson(ctx, result);
        ctx.stdout.write(`${result.execution_id}: task '${result.task_id}' ${decision === 'approve' ? 'approved' : 'rejected'} by ${result.by} (${result.status})\n`);
      });
    });
  }
}
