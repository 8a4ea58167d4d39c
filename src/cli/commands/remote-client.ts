/**
 * What every remote command shares: the --url/--token/--json options, the client
 * built from them (flags, then HARMONIA_URL/HARMONIA_TOKEN, then .env.harmonia,
 * then http://<host>:<port>), JSON or table output, and the mapping of client
 * errors to messages and exit codes.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type HarmoniaClient } from '../../client/client.js';
import { HarmoniaError } from '../../core/errors.js';
import { HarmoniaClientError } from '../../client/errors.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { reportFailure } from '../output/report-failure.js';

/** The flags every remote command takes. */
export interface RemoteFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

/** Where a remote command sends its requests. */
export interface RemoteTarget {
  url: string;
  token: string | null;
  /** True when the URL came from --url, HARMONIA_URL or .env.harmonia rather than the default. */
  explicit: boolean;
}

/** Adds --url and --token to a command (local commands that can also ask a server take these). */
export function withServerOptions(command: Command): Command {
  return command
    .option('--url <url>', 'server URL (default: HARMONIA_URL, else http://HARMONIA_HOST:HARMONIA_PORT)')
    .option('--token <token>', 'bearer token (default: HARMONIA_TOKEN)');
}

/** Adds --url, --token and --json to a command. */
export function withRemoteOptions(command: Command): Command {
  return withServerOptions(command).option('--json', 'print JSON for scripts');
}

/** The existing command group `name` (a local command may have made it), or a new one. */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** The server and token for this invocation. */
export function resolveRemoteTarget(ctx: CliContext, flags: RemoteFlags): RemoteTarget {
  const config = ctx.config({
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(flags.token !== undefined ? { token: flags.token } : {}),
  });
  return { url: config.url, token: config.token, explicit: config.sources.url !== 'default' };
}

/**
 * The target when the user named a server (--url, HARMONIA_URL or .env.harmonia),
 * else undefined: local commands that also work remotely (`pack list`,
 * `workflow list`) call this to decide where to read.
 */
export function explicitRemoteTarget(ctx: CliContext, flags: RemoteFlags): RemoteTarget | undefined {
  const target = resolveRemoteTarget(ctx, flags);
  return target.explicit ? target : undefined;
}

/** A client for the resolved target. */
export function clientFor(target: RemoteTarget): HarmoniaClient {
  if (!/^https?:\/\//i.test(target.url) || !URL.canParse(target.url)) {
    throw new HarmoniaError('USAGE_INVALID', `server URL '${target.url}' is not valid; expected one like 'http://127.0.0.1:8002' (--url or HARMONIA_URL)`);
  }
  return createClient({ baseUrl: target.url, ...(target.token !== null ? { token: target.token } : {}) });
}

/**
 * Runs a remote command's body with a client, turning client errors into a
 * message on stderr (and `{error}` JSON on stdout with --json) and an exit code:
 * 1 for problems with what was asked (unknown id, invalid file, wrong state),
 * 2 for usage, authentication and an unreachable server. The body returns the exit code.
 */
export async function runRemote(
  ctx: CliContext,
  flags: RemoteFlags,
  body: (client: HarmoniaClient, target: RemoteTarget) => Promise<number | void>,
): Promise<void> {
  const target = resolveRemoteTarget(ctx, flags);
  try {
    ctx.exitCode = (await body(clientFor(target), target)) ?? EXIT.ok;
  } catch (error) {
    if (!(error instanceof HarmoniaClientError)) throw error;
    ctx.exitCode = reportClientError(ctx, flags, error);
  }
}

function reportClientError(ctx: CliContext, flags: RemoteFlags, error: HarmoniaClientError): number {
  return reportFailure(ctx, { code: error.code, message: error.message, status: error.status, details: error.details }, flags.json === true);
}

/** Writes a value as indented JSON with a final newline. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Commander parser for a JSON object argument; `@file.json` reads the file (relative to cwd). */
export function jsonObjectParser(cwd: string): (value: string) => Record<string, unknown> {
  return (value) => {
    let text = value;
    if (value.startsWith('@')) {
      try {
        text = readFileSync(resolve(cwd, value.slice(1)), 'utf8');
      } catch (error) {
        throw new InvalidArgumentError(`cannot read '${value.slice(1)}': ${(error as Error).message}`);
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (error) {
      throw new InvalidArgumentError(`expected a JSON object (or @file.json), got '${value}': ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidArgumentError(`expected a JSON object like '{"env":"staging"}', got '${value}'`);
    }
    return parsed as Record<string, unknown>;
  };
}

/** Commander parser for an event seq: a whole number ≥ 0. */
export function parseSeq(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a seq (a whole number of 0 or more), got '${value}'`);
  return Number(value);
}

/** Milliseconds as a short human duration: 850ms, 12.3s, 4m05s. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
