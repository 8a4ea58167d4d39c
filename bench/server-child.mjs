// The bench server in a child process (bench/subscribers-server.mjs: SQLite, the engine, one
// port), for the benches whose clients run here: subscribers.mjs and rss.mjs.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A `--name N` argument of this process as a number, or `fallback`. */
export function numberArg(name, fallback) {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

/**
 * Starts the server child with `execArgv`; `ask(message)` sends a message and resolves
 * with the child's next reply (`ask(null)` only waits for it, e.g. the first, `ready`).
 */
export function startServerChild(execArgv = []) {
  const child = fork(join(ROOT, 'bench', 'subscribers-server.mjs'), [join(ROOT, 'dist')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const replies = [];
  let waiting = null;
  child.on('message', (message) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(message);
    } else replies.push(message);
  });
  const ask = (message) =>
    new Promise((resolve) => {
      const ready = replies.shift();
      if (ready && !message) return resolve(ready);
      waiting = resolve;
      if (message) child.send(message);
    });
  return { child, ask };
}
