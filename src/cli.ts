#!/usr/bin/env node
// The bin entry. It only loads the CLI, so `harmonia --version` and
// `harmonia validate` pay for nothing else.
import { fdOutput } from './cli/fd-output.js';
import { loadValidateBundle } from './cli/validate-bundle.js';

// `harmonia validate --format json | head` closes the pipe early; that is not a crash.
// Installed when process.stdout is first needed: `validate` writes with fs.writeSync()
// (src/cli/fd-output.ts) and builds the stream only when a write fails. A command that
// listens for stdout's errors itself (serve's log output) decides: a server whose log
// reader went away keeps serving.
let stdoutGuarded = false;
function guardedStdout(): NodeJS.WriteStream {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (process.stdout.listenerCount('error') > 1) return;
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return process.stdout;
}

// `validate` runs in CI on every push and in editors' save hooks, so its start-up counts:
// it runs from one bundled script with V8's code cache when the build made one, statically
// imported above (a dynamic import() costs a module job of its own).
async function run(args: readonly string[]): Promise<number> {
  if (args[0] === 'validate') {
    const bundle = loadValidateBundle();
    if (bundle) {
      return bundle.exports.validateMain(args, {
        stdout: fdOutput(1, guardedStdout),
        stderr: fdOutput(2, () => process.stderr),
      });
    }
  }
  guardedStdout();
  const { startCli } = await import('./cli/start-cli.js');
  return startCli(args);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`harmonia: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
