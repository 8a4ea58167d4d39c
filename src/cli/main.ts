import { Command, CommanderError } from 'commander';
import { isHarmoniaError } from '../core/errors.js';
import { createCliContext, EXIT, type CliContext, type CliContextOptions } from './cli-context.js';
import { exitCodeFor } from './exit-codes.js';
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
import { readVersion } from './version.js';

const EXAMPLES = `
Examples:
  $ harmonia validate                      check ./packs (or HARMONIA_PACKS_DIR)
  $ harmonia validate packs/ci_cd --format github
  $ harmonia sync --dry-run                show what a sync would change
  $ harmonia workflow list --pack ci_cd
  $ harmonia run data_pipeline.daily_sales --input '{"day": "2026-11-01"}'
  $ harmonia serve                         REST, WebSocket and SSE on 127.0.0.1:8002
  $ harmonia execution watch <id> --url http://127.0.0.1:8002
  $ harmonia config --json
  $ harmonia draft "nightly sales report" --pack data_pipeline   (needs HARMONIA_LLM_*)

Exit codes (the same with --url): 0 success; 1 problems with what was asked (invalid packs,
unknown refs or ids, a wrong state, a failed execution); 2 usage, settings, auth, an
unreachable server or store, internal errors. See docs/cli.md#exit-codes.
Settings come from flags, then HARMONIA_* variables, then .env.harmonia, then defaults.`;

/**
 * Builds the `harmonia` program. Each command registers itself from its own file
 * under commands/; those files are light, and import what their action needs
 * (the store, the server) only when it runs, so `validate` starts fast.
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('harmonia')
    .description('Validate, sync and run YAML workflow packs.')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    // Program options only before the command name, so `show --version 2` means the workflow's version.
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void ctx.stdout.write(text),
      writeErr: (text) => void ctx.stderr.write(text),
    });
  registerValidateCommand(program, ctx);
  registerLspCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerWorkflowCommand(program, ctx);
  registerWorkflowHistoryCommand(program, ctx);
  registerWorkflowDiffCommand(program, ctx);
  registerRevisionCommands(program, ctx);
  registerRollbackCommand(program, ctx);
  registerUnpinCommand(program, ctx);
  registerPackCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerServeCommand(program, ctx);
  registerDevCommand(program, ctx);
  registerTokenCommand(program, ctx);
  registerConfigCommand(program, ctx);
  registerDraftCommand(program, ctx);
  registerExplainCommand(program, ctx);
  registerLogsCommand(program, ctx);
  // after the local commands: they add `workflow run`, `pack sync|validate` to the local groups
  registerRemoteWorkflowCommand(program, ctx);
  registerRemoteExecutionCommand(program, ctx);
  registerRemoteTemplateCommand(program, ctx);
  registerRemoteCheckpointCommand(program, ctx);
  registerRemoteComponentCommand(program, ctx);
  registerRemoteScheduleCommand(program, ctx);
  registerRemoteApprovalCommand(program, ctx);
  registerRemoteGitCommand(program, ctx);
  registerRemotePackCommand(program, ctx);
  registerRemoteStateCommand(program, ctx);
  // Commander's default is to call process.exit; we map its outcomes to our exit codes instead.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

/**
 * Runs the CLI with `args` (without `node` and the script) and resolves to the exit
 * code: 0 success, 1 problems found, 2 usage or internal error.
 */
export async function main(args: readonly string[], options: CliContextOptions = {}): Promise<number> {
  const ctx = createCliContext(options);
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof CommanderError) {
    // Help and --version end through here too; commander has already printed them.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
  if (isHarmoniaError(error)) {
    ctx.stderr.write(`harmonia: ${error.message}\n`);
    return exitCodeFor(error.code);
  }
  const debug = ctx.env.HARMONIA_DEBUG === 'true' || ctx.env.HARMONIA_DEBUG === '1';
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  ctx.stderr.write(`harmonia: internal error: ${detail}\n`);
  return EXIT.usage;
}
