#!/usr/bin/env node
// The bin entry. It only loads the CLI, so `harmonia --version` and
// `harmonia validate` pay for nothing else.

// `harmonia validate --format json | head` closes the pipe early; that is not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// `validate` runs in CI on every push and in editors' save hooks, so its start-up counts:
// it runs from one bundled script with V8's code cache when the build made one.
async function run(args: readonly string[]): Promise<number> {
  if (args[0] === 'validate') {
    const { loadValidateBundle } = await import('./cli/validate-bundle.js');
    const bundle = loadValidateBundle();
    if (bundle) return bundle.exports.validateMain(args);
  }
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
