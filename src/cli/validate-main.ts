import { createCliContext, type CliContextOptions } from './cli-context.js';
import { registerValidateCommand } from './commands/validate.js';
import { buildProgram, runProgram } from './program.js';

/**
 * Runs `harmonia validate ...` and resolves to the exit code: startCli() for a command
 * line that starts with `validate`, as one entry point. scripts/build-validate-bundle.mjs
 * bundles from here to dist/bundle/validate.cjs, which the bin entry runs with V8's code
 * cache (src/cli/validate-bundle.ts).
 */
export async function validateMain(args: readonly string[], options: CliContextOptions = {}): Promise<number> {
  const ctx = createCliContext(options);
  return runProgram(buildProgram(ctx, [registerValidateCommand]), args, ctx);
}
