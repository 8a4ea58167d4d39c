import { createCliContext, type CliContextOptions } from './cli-context.js';
import type { RegisterCommand } from './program.js';

// Top-level commands that one file defines whole (no group that other files add to).
// A command line naming one of them builds a program with that command alone, so
// `harmonia validate` loads neither the other commands nor what they import (the
// client, the store, the table printers); anything else (help, a group, a typo that
// wants suggestions) gets the full program.
const STANDALONE: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  lsp: async () => (await import('./commands/lsp.js')).registerLspCommand,
  sync: async () => (await import('./commands/sync.js')).registerSyncCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  dev: async () => (await import('./commands/gitops-dev.js')).registerDevCommand,
  token: async () => (await import('./commands/token.js')).registerTokenCommand,
  config: async () => (await import('./commands/config.js')).registerConfigCommand,
  draft: async () => (await import('./commands/draft.js')).registerDraftCommand,
  explain: async () => (await import('./commands/explain.js')).registerExplainCommand,
  logs: async () => (await import('./commands/logs.js')).registerLogsCommand,
};

/**
 * Runs the CLI for the bin entry and resolves to the exit code; the same verdicts and
 * output as main() in main.ts, which it falls back to.
 */
export async function startCli(args: readonly string[], options: CliContextOptions = {}): Promise<number> {
  const name = args[0];
  const load = name !== undefined && Object.hasOwn(STANDALONE, name) ? STANDALONE[name] : undefined;
  if (load === undefined) return (await import('./main.js')).main(args, options);
  const [register, { buildProgram, runProgram }] = await Promise.all([load(), import('./program.js')]);
  const ctx = createCliContext(options);
  return runProgram(buildProgram(ctx, [register]), args, ctx);
}

/** The commands startCli() builds alone; the rest need the full program. */
export const STANDALONE_COMMANDS: readonly string[] = Object.keys(STANDALONE);
