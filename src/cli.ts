#!/usr/bin/env node
// The bin entry. It only loads the CLI, so `harmonia --version` and
// `harmonia validate` pay for nothing else.

// `harmonia validate --format json | head` closes the pipe early; that is not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

import('./cli/start-cli.js')
  .then(({ startCli }) => startCli(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`harmonia: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
