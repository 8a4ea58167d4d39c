/**
 * A real `harmonia serve` child process (dist/cli.js) for CLI tests: started with a clean
 * HARMONIA_* environment, ready once it prints its "listening on URL" line on stderr
 * (no sleeps), stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli-harness.js';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `needle`. */
  waitForStderr(needle: string | RegExp): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `harmonia serve ...args` in `cwd` and resolves once it listens. */
export async function startServeProcess(args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<ServeProcess> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('HARMONIA_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: Array<{ needle: string | RegExp; resolve: (text: string) => void }> = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const check = () => {
    for (const waiter of [...waiters]) {
      const found = typeof waiter.needle === 'string' ? text.includes(waiter.needle) : waiter.needle.test(text);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    check();
  });
  child.stdout?.resume();
  const waitForStderr = (needle: string | RegExp) =>
    new Promise<string>((resolve, reject) => {
      waiters.push({ needle, resolve });
      check();
      void exited.then((code) => reject(new Error(`harmonia serve exited (${code}) before printing ${String(needle)}:\n${text}`)));
    });
  const listening = await waitForStderr(/listening on (http:\/\/\S+)/);
  const url = /listening on (http:\/\/\S+)/.exec(listening)?.[1] ?? '';
  return {
    url,
    child,
    stderr: () => text,
    waitForStderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
