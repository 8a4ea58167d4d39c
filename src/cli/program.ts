import { Command, CommanderError } from 'commander';
import { isHarmoniaError } from '../core/errors.js';
import { EXIT, type CliContext } from './cli-context.js';
import { exitCodeFor } from './exit-codes.js';
import { FailureReported } from './output/failure-reported.js';
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

/** Registers one command (or group) on the program; every file under commands/ exports some. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/**
 * Builds the `harmonia` program with the given commands. The full CLI passes every
 * command (main.ts); the bin entry passes only the one a command line names when it
 * can (start-cli.ts), so a command loads no other command's modules.
 */
export function buildProgram(ctx: CliContext, commands: readonly RegisterCommand[]): Command {
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
  for (const register of commands) register(program, ctx);
  // Commander's default is to call process.exit; we map its outcomes to our exit codes instead.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Parses `args` (without `node` and the script) and resolves to the exit code. */
export async function runProgram(program: Command, args: readonly string[], ctx: CliContext): Promise<number> {
  try {
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx);
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof FailureReported) return error.exitCode;
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
