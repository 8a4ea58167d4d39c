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
  /** Everything read from stdout so far (nothing while `stdout: 'hold'` holds it unread). */
  stdout(): string;
  /** Starts reading stdout that `stdout: 'hold'` left unread. */
  readStdout(): void;
  /** Resolves once stdout contains `needle`. */
  waitForStdout(needle: string | RegExp): Promise<string>;
  /** Resolves with all of stdout once it closes (reading it, if held). */
  allStdout(): Promise<string>;
  /** Resolves once stderr contains `needle`. */
  waitForStderr(needle: string | RegExp): Promise<string>;
  /** Reads stderr again after `stderr: 'hold'` left it unread. */
  readStderr(): void;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeProcessOptions {
  cwd: string;
  env: Record<string, string>;
  /**
   * Where its stdout goes: 'read' drains it as it comes; 'hold' is a pipe nobody reads (a
   * stuck supervisor) until readStdout(); a number is a file descriptor (a log file).
   * @default 'read'
   */
  stdout?: 'read' | 'hold' | number;
  /**
   * 'hold': stderr is read up to the "listening on" line, then left unread (a stuck
   * supervisor) until readStderr(). @default 'read'
   */
  stderr?: 'read' | 'hold';
}

/** Spawns `harmonia serve ...args` in `cwd` and resolves once it listens. */
export async function startServeProcess(args: readonly string[], options: ServeProcessOptions): Promise<ServeProcess> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('HARMONIA_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  Object.assign(env, options.env);
  const stdoutMode = options.stdout ?? 'read';
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', typeof stdoutMode === 'number' ? stdoutMode : 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const err = watchedText(exited, 'printing');
  const out = watchedText(exited, 'logging');
  child.stderr?.on('data', (chunk: Buffer) => err.append(chunk));
  let reading = false;
  const readStdout = () => {
    if (!reading) child.stdout?.on('data', (chunk: Buffer) => out.append(chunk));
    reading = true;
  };
  if (stdoutMode === 'read') readStdout();
  const stdoutClosed = new Promise<void>((resolve) => (child.stdout ? child.stdout.once('close', () => resolve()) : resolve()));
  const waitForStderr = err.waitFor;
  const listening = await waitForStderr(/listening on (http:\/\/\S+)/);
  const url = /listening on (http:\/\/\S+)/.exec(listening)?.[1] ?? '';
  if (options.stderr === 'hold') child.stderr?.pause();
  return {
    url,
    child,
    stderr: err.text,
    waitForStderr,
    readStderr: () => void child.stderr?.resume(),
    stdout: () => out.text(),
    readStdout,
    waitForStdout: out.waitFor,
    async allStdout() {
      readStdout();
      await stdoutClosed;
      return out.text();
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Text a stream has given so far, and waits for a needle in it (rejected if the process exits first). */
function watchedText(exited: Promise<number | null>, verb: string) {
  let text = '';
  const waiters: Array<{ needle: string | RegExp; resolve: (text: string) => void }> = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const found = typeof waiter.needle === 'string' ? text.includes(waiter.needle) : waiter.needle.test(text);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  };
  return {
    text: () => text,
    append(chunk: Buffer) {
      text += chunk.toString('utf8');
      check();
    },
    waitFor: (needle: string | RegExp) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ needle, resolve });
        check();
        void exited.then((code) => reject(new Error(`harmonia serve exited (${code}) before ${verb} ${String(needle)}:\n${text}`)));
      }),
  };
}
