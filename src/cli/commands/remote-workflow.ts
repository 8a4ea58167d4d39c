import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { watchExecution } from './remote-execution.js';
import { commandGroup, jsonObjectParser, printJson, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const RUN_HELP = `
Starts an execution on the server named by --url, HARMONIA_URL or .env.harmonia; with
none named, in this process on the embedded store (it takes the engine lock, as
\`harmonia run\` does, and runs the execution to its end before exiting). The answer
is the same either way. REF is a workflow ref (pack.name) or a version id. With --wait
the command follows the execution (progress bars on a terminal with a server) and exits
1 unless it completed; with --wait --json it prints the finished execution.
--idempotency-key names the request: run again with the same key, it answers the
execution the first run started instead of starting another.

Examples:
  $ harmonia workflow run ci_cd.deploy_app --input '{"env":"staging"}'
  $ harmonia workflow run ci_cd.deploy_app --input-file input.json --wait
  $ harmonia workflow run ci_cd.deploy_app --wait --json | jq .output
  $ harmonia workflow run ci_cd.deploy_app --idempotency-key "deploy-$CI_PIPELINE_ID" --url ...`;

const REF_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** Registers `harmonia workflow run` (beside the local `workflow list` and `workflow show`). */
export function registerRemoteWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = commandGroup(program, 'workflow', 'list, inspect and run workflows');
  withRemoteOptions(workflow.command('run').description('start an execution of a workflow on a server').argument('<ref>', 'workflow ref or version id'))
    .option('--input <json>', 'the execution input as a JSON object, or @file.json', jsonObjectParser(ctx.cwd))
    .option('--input-file <path>', 'read the input from a JSON file (as `harmonia run` does)', (path: string) => jsonObjectParser(ctx.cwd)(`@${path}`))
    .option('--wait', 'follow the execution until it finishes')
    .option('--idempotency-key <key>', 'name the request: the same key answers the same execution instead of starting another')
    .addHelpText('after', RUN_HELP)
    .action(async (ref: string, flags: RemoteFlags & { input?: Record<string, unknown>; inputFile?: Record<string, unknown>; wait?: boolean; idempotencyKey?: string }) => {
      await runWithHarmonia(
        ctx,
        flags,
        async (api, opened) => {
          const input = flags.input ?? flags.inputFile ?? {};
          const execution = await api.executeWorkflow(
            { ...(REF_PATTERN.test(ref) ? { workflow_ref: ref } : { workflow_id: ref }), input },
            flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {},
          );
          if (!flags.wait) {
            if (flags.json) return printJson(ctx, execution);
            ctx.stdout.write(`started execution ${execution.execution_id} of ${execution.workflow_ref}@${execution.workflow_version} (${execution.status})\n`);
            return;
          }
          if (flags.json || opened.client === null) {
            const final = await opened.waitForCompletion(execution.execution_id);
            if (flags.json) printJson(ctx, final);
            else ctx.stdout.write(`execution ${final.execution_id} ${final.status}${final.error ? `: ${final.error.type} ${final.error.message}` : ''}\n`);
            return final.status === 'completed' ? EXIT.ok : EXIT.problems;
          }
          const client = opened.client;
          ctx.stderr.write(`started execution ${execution.execution_id}\n`);
          const code = await watchExecution(ctx, client, execution.execution_id, flags);
          if (code !== EXIT.ok) {
            // Under the failure, what the failed tasks printed last: usually the reason.
            const { failedTaskTails, printTaskTails } = await import('./logs.js');
            const reader = {
              getStatus: async (id: string) => ({ task_statuses: (await client.getWorkflowStatus(id)).task_statuses }),
              readLogs: async (id: string, query: { task_id?: string; attempt?: number }) => {
                const lines = [];
                for await (const line of client.logs(id, { ...(query.task_id !== undefined ? { task: query.task_id } : {}), ...(query.attempt !== undefined ? { attempt: query.attempt } : {}) })) lines.push(line);
                return lines;
              },
            };
            const tails = await failedTaskTails(reader, execution.execution_id);
            printTaskTails(ctx.stderr, ctx.env, tails, (task) => `harmonia logs ${execution.execution_id} ${task} --url ...`);
          }
          return code;
        },
        'run',
      );
    });
}
