import type { Command } from 'commander';
import { createCliContext, type CliContext, type CliContextOptions } from './cli-context.js';
import { buildProgram, runProgram, type RegisterCommand } from './program.js';
import { registerConfigCommand } from './commands/config.js';
import { registerPackCommand } from './commands/pack.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTokenCommand } from './commands/token.js';
import { registerDevCommand } from './commands/gitops-dev.js';
import { registerDraftCommand } from './commands/draft.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerWorkflowDiffCommand } from './commands/gitops-diff.js';
import { registerWorkflowHistoryCommand } from './commands/gitops-history.js';
import { registerRevisionCommands } from './commands/gitops-revisions.js';
import { registerRollbackCommand } from './commands/gitops-rollback.js';
import { registerUnpinCommand } from './commands/gitops-unpin.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerLspCommand } from './commands/lsp.js';
import { registerWorkflowCommand } from './commands/workflow.js';
import { registerRemoteCheckpointCommand } from './commands/remote-checkpoint.js';
import { registerRemoteComponentCommand } from './commands/remote-component.js';
import { registerRemoteScheduleCommand } from './commands/remote-schedule.js';
import { registerRemoteApprovalCommand } from './commands/remote-approval.js';
import { registerRemoteGitCommand } from './commands/remote-git.js';
import { registerRemoteExecutionCommand } from './commands/remote-execution.js';
import { registerRemotePackCommand } from './commands/remote-pack.js';
import { registerRemoteStateCommand } from './commands/remote-state.js';
import { registerRemoteTemplateCommand } from './commands/remote-template.js';
import { registerRemoteWorkflowCommand } from './commands/remote-workflow.js';

// Order matters: the remote commands come after the local ones, as they add `workflow run`
// and `pack sync|validate` to the groups the local commands made.
const ALL_COMMANDS: readonly RegisterCommand[] = [
  registerValidateCommand,
  registerLspCommand,
  registerSyncCommand,
  registerWorkflowCommand,
  registerWorkflowHistoryCommand,
  registerWorkflowDiffCommand,
  registerRevisionCommands,
  registerRollbackCommand,
  registerUnpinCommand,
  registerPackCommand,
  registerRunCommand,
  registerServeCommand,
  registerDevCommand,
  registerTokenCommand,
  registerConfigCommand,
  registerDraftCommand,
  registerExplainCommand,
  registerLogsCommand,
  registerRemoteWorkflowCommand,
  registerRemoteExecutionCommand,
  registerRemoteTemplateCommand,
  registerRemoteCheckpointCommand,
  registerRemoteComponentCommand,
  registerRemoteScheduleCommand,
  registerRemoteApprovalCommand,
  registerRemoteGitCommand,
  registerRemotePackCommand,
  registerRemoteStateCommand,
];

/**
 * Builds the `harmonia` program with every command. Each command registers itself from
 * its own file under commands/; those files are light, and import what their action
 * needs (the store, the server) only when it runs. The bin entry avoids even this for a
 * command that stands alone (see start-cli.ts).
 */
export function createProgram(ctx: CliContext): Command {
  return buildProgram(ctx, ALL_COMMANDS);
}

/**
 * Runs the CLI with `args` (without `node` and the script) and resolves to the exit
 * code: 0 success, 1 problems found, 2 usage or internal error.
 */
export async function main(args: readonly string[], options: CliContextOptions = {}): Promise<number> {
  const ctx = createCliContext(options);
  return runProgram(createProgram(ctx), args, ctx);
}
