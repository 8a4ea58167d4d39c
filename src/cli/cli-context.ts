import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, unknownSettingWarnings, type ConfigOptions, type ResolvedConfig } from '../config.js';
import { printableOutput } from './output/printable-output.js';

/** Where a command writes; process.stdout and process.stderr fit, and so do test buffers. */
export interface OutputStream {
  isTTY?: boolean;
  /** A terminal's width in cells (process.stdout has it when it is one). */
  columns?: number;
  /** A terminal's height in rows. */
  rows?: number;
  write(chunk: string): unknown;
}

/** What every command gets: the process's edges, passed in so commands can run in tests. */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /**
   * process.stderr itself when `stderr` writes to it, else null (a test's buffer): what a
   * long-running command (serve) needs to write without waiting on, or piling up for, a
   * reader that stopped reading.
   */
  readonly process_stderr: NodeJS.WriteStream | null;
  /** The exit code the process ends with; commands set it. */
  exitCode: number;
  /** Resolves the settings once for this invocation, reading `.env.harmonia` in cwd if present. */
  config(options?: ConfigOptions): ResolvedConfig;
  /** The time relative ages are counted to (tests pass a fixed one). @default Date.now */
  readonly now?: () => number;
}

export interface CliContextOptions {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  stdout?: OutputStream;
  stderr?: OutputStream;
  /** @default Date.now */
  now?: () => number;
}

/** Exit codes shared by every command (the table is src/cli/exit-codes.ts). */
import { EXIT } from './exit-codes.js';

export { EXIT };

/** Builds the context for one invocation; defaults are the real process. */
export function createCliContext(options: CliContextOptions = {}): CliContext {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let warned = false;
  return {
    env,
    cwd,
    // Text from packs, tasks and servers is shown, never acted on by the terminal.
    stdout: printableOutput(options.stdout ?? process.stdout),
    stderr: printableOutput(options.stderr ?? process.stderr),
    process_stderr: options.stderr === undefined ? process.stderr : null,
    exitCode: EXIT.ok,
    ...(options.now ? { now: options.now } : {}),
    config(configOptions = {}) {
      const file = join(cwd, '.env.harmonia');
      const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      const resolved = resolveConfig(configOptions, env, text, (path) => readFileSync(path, 'utf8'));
      if (!warned) {
        warned = true;
        for (const warning of unknownSettingWarnings(env)) this.stderr.write(`harmonia: warning: ${warning}\n`);
      }
      return resolved;
    },
  };
}
