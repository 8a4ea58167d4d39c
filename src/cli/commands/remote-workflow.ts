import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
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
