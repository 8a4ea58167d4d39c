import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseApiTokens } from './auth.js';
import { findConsoleDir } from './console-assets.js';
import type { ResolvedConfig } from '../config.js';
import { SETTINGS } from '../core/settings.js';
import type { ResolvedServerOptions, ServerOptions } from './deps.js';
import { tokenFilePath } from './tokens.js';

const MIB = 1024 * 1024;

/** Fills in defaults and parses the token list. Throws CONFIG_INVALID on a bad token entry. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const tokens =
    typeof options.tokens === 'string'
      ? parseApiTokens(options.tokens)
      : (options.tokens ?? []).flatMap((t) => (typeof t === 'string' ? parseApiTokens(t) : [t]));
  return {
    version: options.version ?? '0.0.0',
    tokens,
    token_file: options.token_file ?? null,
    allowed_origins: [...(options.allowed_origins ?? [])],
    max_body_bytes: options.max_body_bytes ?? MIB,
    max_workflow_size: options.max_workflow_size ?? SETTINGS.max_workflow_size.default,
    max_task_count: options.max_task_count ?? SETTINGS.max_task_count.default,
    stream_buffer_bytes: options.stream_buffer_bytes ?? MIB,
    stream_queue_events: options.stream_queue_events ?? 10_000,
    stream_batch_ms: options.stream_batch_ms ?? 25,
    ws_messages_per_second: options.ws_messages_per_second ?? 20,
    schemas_dir: options.schemas_dir ?? findSchemasDir(),
    api_pack: options.api_pack ?? 'api',
    sse_keepalive_seconds: options.sse_keepalive_seconds ?? 15,
    console_dir: options.console_dir === undefined ? findConsoleDir() : options.console_dir,
    validate_responses: options.validate_responses ?? validateResponsesFromEnv(),
  };
}

/**
 * An app built without the option (an embedder's createApp, a test's server) follows
 * HARMONIA_VALIDATE_RESPONSES, so a test run turns the contract check on for every server
 * it starts, in process or not; `harmonia start` passes the resolved setting instead.
 */
function validateResponsesFromEnv(): boolean {
  const text = (process.env[SETTINGS.validate_responses.env] ?? '').trim().toLowerCase();
  return text === '' ? SETTINGS.validate_responses.default : ['1', 'true', 'yes', 'on'].includes(text);
}

/**
 * The package's schemas/ folder: the nearest ancestor of this module that has a
 * package.json beside a schemas/ folder (works from src/ under vitest and from dist/).
 */
function findSchemasDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return join(dir, 'schemas');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * The server options that follow from the resolved configuration (HARMONIA_* variables):
 * tokens, the token file under the data dir, and the size limits.
 */
export function serverOptionsFromConfig(config: ResolvedConfig, extra: ServerOptions = {}): ServerOptions {
  return {
    tokens: config.api_tokens,
    token_file: tokenFilePath(config.data_dir),
    max_workflow_size: config.max_workflow_size,
    max_task_count: config.max_task_count,
    validate_responses: config.validate_responses,
    ...extra,
  };
}
