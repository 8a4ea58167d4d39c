/**
 * The git sources a server follows: HARMONIA_GIT_SOURCES (or the file named by
 * HARMONIA_GIT_SOURCES_FILE), a YAML or JSON list of named sources, each with its own
 * repository, branch, folder, poll interval, webhook secret and token — as Argo CD
 * Applications or Flux GitRepository objects name theirs. HARMONIA_GIT_URL and its
 * HARMONIA_GIT_* companions stay the shorthand for one source, named `default`.
 */
import type { ResolvedConfig } from '../config.js';
import { HarmoniaError } from '../core/errors.js';
import { parseYamlFile } from '../packs/parse-yaml-file.js';
import { MAX_POLL_SECONDS } from '../core/settings.js';

/** One git source, validated and defaulted. */
export interface GitSourceSpec {
  /** Unique among the sources; names the source in routes, statuses and versions' origins. */
  name: string;
  url: string;
  /** @default 'main' */
  branch: string;
  /** Folder of the repository that holds the packs. @default 'packs' */
  path: string;
  /** Seconds between fetches; 0 means webhooks only. @default 60 */
  poll_interval_seconds: number;
  /** HMAC secret of this source's webhooks; null refuses them. Secret. */
  webhook_secret: string | null;
  /** Token for a private https repository. Secret. */
  token: string | null;
  /** Whether the source came from the HARMONIA_GIT_URL shorthand (its versions carry no source name, as before). */
  shorthand: boolean;
}

/** The name of the one source HARMONIA_GIT_URL configures. */
export const DEFAULT_SOURCE_NAME = 'default';

/** Names usable as a URL segment and a leader key: lower case, digits, '-' and '_'. */
export const SOURCE_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

const FIELDS = new Set(['name', 'url', 'branch', 'path', 'poll_interval', 'webhook_secret', 'webhook_secret_env', 'token', 'token_env']);
const VARIABLE = 'HARMONIA_GIT_SOURCES';

type GitSettings = Pick<
  ResolvedConfig,
  'git_url' | 'git_branch' | 'git_path' | 'git_poll_interval_seconds' | 'git_webhook_secret' | 'git_token' | 'git_sources'
>;

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new HarmoniaError('CONFIG_INVALID', `${VARIABLE}: ${message}`, { details: { variable: VARIABLE, ...details } });
}

/** `90`, `'90'`, `'30s'`, `'5m'`, `'1h'` as seconds, at most MAX_POLL_SECONDS. */
function seconds(value: unknown, where: string): number {
  const refuse = (): never =>
    invalid(`${where}.poll_interval is ${JSON.stringify(value)}; expected whole seconds (60) or a duration ('30s', '5m', '1h'), at most ${MAX_POLL_SECONDS} seconds; 0 means webhooks only`);
  let total: number;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) total = value;
  else {
    const match = typeof value === 'string' ? /^\s*(\d+)\s*(s|m|h)?\s*$/.exec(value) : null;
    if (!match?.[1]) return refuse();
    const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
    total = Number(match[1]) * unit;
  }
  // The poll timer is a plain setTimeout: a longer interval would fire after 1 ms, every time.
  return total <= MAX_POLL_SECONDS ? total : refuse();
}

function text(entry: Record<string, unknown>, key: string, where: string): string | null {
  const value = entry[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return invalid(`${where}.${key} must be a string`);
  return value.trim() === '' ? null : value;
}

/** A secret given inline, or by the name of the variable holding it (`*_env`), never both. */
function secret(entry: Record<string, unknown>, key: string, where: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const inline = text(entry, key, where);
  const variable = text(entry, `${key}_env`, where);
  if (inline !== null && variable !== null) return invalid(`${where} sets both ${key} and ${key}_env; keep one (${key}_env keeps the secret out of the list)`);
  if (variable === null) return inline;
  const value = env[variable];
  if (value === undefined || value === '') return invalid(`${where}.${key}_env names '${variable}', which is not set`, { source_variable: variable });
  return value;
}

function specOf(raw: unknown, index: number, env: Readonly<Record<string, string | undefined>>): GitSourceSpec {
  const where = `sources[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid(`${where} must be a mapping with at least name and url`);
  const entry = raw as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) return invalid(`${where} has unknown field '${unknown[0]}'; expected ${[...FIELDS].join(', ')}`);
  const name = text(entry, 'name', where);
  if (name === null) return invalid(`${where} has no name; give each source a name such as 'platform'`);
  if (!SOURCE_NAME.test(name)) return invalid(`${where}.name '${name}' is not a source name; use lower case letters, digits, '-' and '_' (at most 63)`);
  const url = text(entry, 'url', `${where} ('${name}')`);
  if (url === null) return invalid(`source '${name}' has no url`);
  return {
    name,
    url,
    branch: text(entry, 'branch', where) ?? 'main',
    path: (text(entry, 'path', where) ?? 'packs').replace(/\\/g, '/').replace(/^\/+|\/+$/g, ''),
    poll_interval_seconds: entry.poll_interval === undefined ? 60 : seconds(entry.poll_interval, `source '${name}'`),
    webhook_secret: secret(entry, 'webhook_secret', `source '${name}'`, env),
    token: secret(entry, 'token', `source '${name}'`, env),
    shorthand: false,
  };
}

/** The list's text as sources: a YAML/JSON list, or a mapping with a `sources` list. */
function parseList(textValue: string, env: Readonly<Record<string, string | undefined>>): GitSourceSpec[] {
  const parsed = parseYamlFile(textValue, VARIABLE);
  if (!parsed.ok) {
    const first = parsed.diagnostics[0];
    return invalid(`not valid YAML or JSON${first ? ` (line ${first.line}: ${first.message})` : ''}`);
  }
  parsed.release();
  const value = parsed.value;
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? (value as { sources?: unknown }).sources : undefined;
  if (!Array.isArray(list) || list.length === 0) return invalid('expected a non-empty list of sources (or a mapping with a `sources:` list)');
  const specs = list.map((raw, index) => specOf(raw, index, env));
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) invalid(`two sources are named '${spec.name}'; names must be unique`);
    seen.add(spec.name);
  }
  return specs;
}

/**
 * The sources of the settings, in the order given; empty when GitOps is off.
 *
 * Thrown when the list is not valid, or when both HARMONIA_GIT_URL and HARMONIA_GIT_SOURCES
 * are set (CONFIG_INVALID, naming the field; secrets are never quoted).
 *
 * @example
 * const sources = resolveGitSources(config, process.env);
 */
export function resolveGitSources(config: GitSettings, env: Readonly<Record<string, string | undefined>>): GitSourceSpec[] {
  const hasUrl = config.git_url !== null && config.git_url !== '';
  const list = config.git_sources;
  if (list !== null && list.trim() !== '') {
    if (hasUrl) {
      invalid('is set together with HARMONIA_GIT_URL; list every source in HARMONIA_GIT_SOURCES (name the old one `default` to keep its versions owned) and unset HARMONIA_GIT_URL');
    }
    return parseList(list, env);
  }
  if (!hasUrl) return [];
  return [
    {
      name: DEFAULT_SOURCE_NAME,
      url: config.git_url ?? '',
      branch: config.git_branch,
      path: config.git_path.replace(/\\/g, '/').replace(/^\/+|\/+$/g, ''),
      poll_interval_seconds: config.git_poll_interval_seconds,
      webhook_secret: config.git_webhook_secret,
      token: config.git_token,
      shorthand: true,
    },
  ];
}

/** Every secret value of the sources, for the masker. */
export function gitSourceSecrets(specs: readonly GitSourceSpec[]): string[] {
  return specs.flatMap((spec) => [spec.webhook_secret, spec.token].filter((value): value is string => value !== null));
}
