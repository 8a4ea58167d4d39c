/**
 * Harmonia's settings: command-line flags, then HARMONIA_* environment variables,
 * then a `.env.harmonia` file, then defaults. `resolveConfig` is pure — the entry
 * point reads the environment and the file and passes them in — and it validates
 * every value, so a typo fails at start-up with the variable and the value named.
 */
import type { EngineConfig } from './engine/config.js';
import { join } from 'node:path';
import { HarmoniaError } from './core/errors.js';
import { redactUrls, urlQuerySecrets } from './core/secret-text.js';
import { parseEnvFile } from './config-env-file.js';
import { unknownSettingHint } from './config-unknown-names.js';
import { LOG_LEVEL_CHOICES, MAX_POSIX_ID, SETTINGS, TASK_CONTAINMENT_CHOICES, type SettingKey, type SettingSpec } from './core/settings.js';

/** The settings in documentation order: the defaults table's order. */
const CONFIG_KEY_ORDER = Object.keys(SETTINGS) as SettingKey[];

export const LOG_LEVELS = LOG_LEVEL_CHOICES;
export const TASK_CONTAINMENTS = TASK_CONTAINMENT_CHOICES;
export type TaskContainmentSetting = (typeof TASK_CONTAINMENTS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where a setting's value came from. */
export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

/** Which store backend to open, and where. */
export type StoreConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The settings, validated and defaulted. Every field has an environment variable (see CONFIG_KEYS). */
export interface ResolvedConfig {
  /** Interface the server binds. @default '127.0.0.1' */
  host: string;
  /** The one port for REST, WebSocket and SSE (0 picks a free one). @default 8002 */
  port: number;
  /** Where the embedded database and other state live. @default './.harmonia' */
  data_dir: string;
  /** The packs folder that `validate`, `sync` and `start` use. @default './packs' */
  packs_dir: string;
  /** `postgres://…` for PostgreSQL or `sqlite:PATH`; unset means SQLite under data_dir. @default null */
  db_url: string | null;
  /** The store backend, derived from db_url and data_dir. @default { kind: 'sqlite', file: '<data_dir>/harmonia.db' } */
  store: StoreConfig;
  /** @default 'info' ('debug' when debug is on) */
  log_level: LogLevel;
  /** Verbose logs and error stacks on stderr. @default false */
  debug: boolean;
  /** Log output `serve` holds for a stdout reader that has fallen behind before it drops new lines, in bytes. @default 1048576 */
  log_buffer_size: number;
  /** At the end of a shutdown, how long held log lines get to reach stdout, in ms. @default 5000 */
  log_flush_timeout_ms: number;
  /** Tasks of one execution running at once. @default 10 */
  max_concurrent_tasks: number;
  /** Executions running at once on this node. @default 100 */
  max_concurrent_workflows: number;
  /** Task timeout when a task sets no timeout_ms. @default 300000 */
  default_timeout_ms: number;
  /** An execution still running after this long fails with TIMEOUT; 0 means no deadline. @default 86400000 */
  max_execution_time_ms: number;
  /** Finished executions are deleted this long after they finished; 0 keeps them. @default 0 */
  execution_retention_ms: number;
  /** How often the server purges executions past the retention. @default 3600000 */
  execution_purge_interval_ms: number;
  /** Attempts (the first included) when a task sets no retry policy. @default 1 */
  retry_max_attempts: number;
  /** Seconds between automatic checkpoints of a running execution; 0 turns them off. @default 0 */
  checkpoint_interval_seconds: number;
  /** Largest workflow body accepted over the API, in bytes. @default 1048576 */
  max_workflow_size: number;
  /** Most tasks one workflow may have. @default 1000 */
  max_task_count: number;
  /** Pack files larger than this are refused unread, in bytes. @default 1048576 */
  max_file_size: number;
  /** Events one execution may write; beyond it the execution fails with EXEC_LIMIT. @default 100000 */
  max_events_per_execution: number;
  /** Bytes of JSON a task may return; larger fails the task with TASK_OUTPUT_TOO_LARGE. @default 1048576 */
  max_task_output_size: number;
  /** Items one `with_items` fan-out may expand to. @default 1000 */
  max_items: number;
  /** Levels of `core.workflow` nesting below a top-level execution. @default 16 */
  max_workflow_depth: number;
  max_after_chain: number;
  /** Executions one top-level execution may have below it, all levels together. @default 1000 */
  max_descendants: number;
  /** Times one task attempt may be interrupted by the engine's own death and run again without spending its retry budget. @default 5 */
  max_task_interruptions: number;
  /** Bytes of task log one attempt may write; past it a truncation note ends its log. @default 1048576 */
  max_log_size: number;
  /**
   * How task processes are kept from outliving the engine: `namespace` (Linux PID namespace:
   * everything a task started dies with the engine), `parent-death` (its own process does),
   * `process-group` (killed on abort only), or `auto`, the strongest available. @default 'auto'
   */
  task_containment: TaskContainmentSetting;
  /** Check every API response against the OpenAPI document; a mismatch answers 500 RESPONSE_CONTRACT_VIOLATION. @default false */
  validate_responses: boolean;
  /** Browser origins (`https://app.example`) allowed to call the API and open streams (CORS); `*` for any. @default [] */
  allowed_origins: string[];
  /** Bearer tokens the server accepts; empty means no authentication. Secret. @default [] */
  api_tokens: string[];
  /** Environment variables that `${env.NAME}` may read. @default [] */
  env_allowlist: string[];
  /** Allow-listed variables whose values are secrets, masked wherever they appear (names with TOKEN, PASSWORD, SECRET, API_KEY, ... are secret anyway). @default [] */
  secret_env: string[];
  /**
   * Whether core.http, http runners and components may reach loopback and private addresses
   * (127/8, 10/8, 172.16/12, 192.168/16, 100.64/10, ::1, fc00::/7) — the server's own API
   * included. Cloud metadata and link-local addresses are refused either way.
   * @default false
   */
  http_allow_private: boolean;
  /** When set, task processes (core.shell, pack scripts) run as this user id; needed when the server runs as root. @default null */
  task_uid: number | null;
  /** The group id task processes run with; set together with task_uid. @default null */
  task_gid: number | null;
  /** The server the CLI talks to. @default 'http://<host>:<port>' (127.0.0.1 when host is 0.0.0.0) */
  url: string;
  /** Bearer token the CLI sends. Secret. @default null */
  token: string | null;
  /** A git remote to sync packs from. @default null */
  git_url: string | null;
  /** @default 'main' */
  git_branch: string;
  /** Folder inside the repository that holds the packs. @default 'packs' */
  git_path: string;
  /** Seconds between fetches of git_url; 0 means webhook only. @default 60 */
  git_poll_interval_seconds: number;
  /** HMAC secret that signs git webhooks. Secret. @default null */
  git_webhook_secret: string | null;
  /** Token for fetching a private git_url. Secret. @default null */
  git_token: string | null;
  /**
   * Several git sources at once: a YAML or JSON list of `{name, url, branch, path,
   * poll_interval, webhook_secret(_env), token(_env)}` (or the file named by
   * HARMONIA_GIT_SOURCES_FILE); not with git_url. Secret (it may hold secrets). @default null
   */
  git_sources: string | null;
  /** This node's name among the nodes sharing one PostgreSQL database. @default null: `<hostname>-<pid>-<random>` */
  node_id: string | null;
  /** Dev mode: quiet time after a pack's last save (by the files' mtimes) before it syncs. @default 20 */
  dev_debounce_ms: number;
  /** SQLite: the commits that start executions sync the log on a thread (src/store/sqlite/wal-sync.ts). @default true */
  sqlite_sync_off_loop: boolean;
  /** Connections in a node's PostgreSQL pool for statements (those it holds for good are opened besides them). @default 10 */
  pg_pool_size: number;
  /** Longest wait of a statement for a free connection of the PostgreSQL pool before it fails with STORE_UNAVAILABLE. @default 30000 */
  pg_pool_wait_ms: number;
  /** How long a node's claim on an execution lasts without renewal (PostgreSQL); a node cut off or frozen loses its work after this, one whose process died at once. @default 15000 */
  lease_ms: number;
  /** On SIGTERM, how long running executions get to finish before their tasks are handed back. @default 10000 */
  shutdown_grace_ms: number;
  /** OpenAI-compatible endpoint that `/chat/completions` is appended to; unset turns core.llm and the assistant off. @default null */
  llm_base_url: string | null;
  /** Model used when a task names none (and by the assistant). @default null */
  llm_model: string | null;
  /** Bearer key sent to llm_base_url. Secret. @default null */
  llm_api_key: string | null;
  /** A file holding the key instead (read once at start-up; not with llm_api_key). @default null */
  llm_api_key_file: string | null;
  /** Deadline of one request to the model server, in ms. @default 120000 */
  llm_timeout_ms: number;
  /** Re-sends of one request after a 429 or 5xx (waiting out Retry-After). @default 2 */
  llm_max_retries: number;
  /** Where each value came from. */
  sources: Record<ConfigKey, ConfigSource>;
}

export type ConfigKey = Exclude<keyof ResolvedConfig, 'sources' | 'store'>;

/** Explicit settings (usually command-line flags); they win over everything else. Strings are parsed like env values. */
export type ConfigOptions = {
  [K in ConfigKey]?: ResolvedConfig[K] extends number
    ? number | string
    : ResolvedConfig[K] extends boolean
      ? boolean | string
      : ResolvedConfig[K] extends string[]
        ? readonly string[] | string
        : NonNullable<ResolvedConfig[K]> | string;
};

// Type-level check that the defaults table and ResolvedConfig name the same settings.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const SETTINGS_MATCH_CONFIG: SameKeys<ConfigKey, SettingKey> = true;
void SETTINGS_MATCH_CONFIG;

const FILE_KEYS = new Set<ConfigKey>(CONFIG_KEY_ORDER.filter((key) => SETTINGS[key].file_variant));

/** Every setting with its environment variable, in documentation order (from the defaults table, src/core/settings.ts). */
export const CONFIG_KEYS: ReadonlyArray<{ key: ConfigKey; env: string; secret: boolean; file_variant: boolean }> = CONFIG_KEY_ORDER.map((key) => ({
  key,
  env: SETTINGS[key].env,
  secret: SETTINGS[key].secret,
  file_variant: SETTINGS[key].file_variant,
}));

const ENV_BY_KEY = new Map(CONFIG_KEYS.map((k) => [k.key, k.env]));
const KNOWN_ENV = new Set([...CONFIG_KEYS.map((k) => k.env), ...CONFIG_KEYS.filter((k) => k.file_variant).map((k) => `${k.env}_FILE`)]);

/** Reads a secret file named by a `*_FILE` setting (the entry point passes fs.readFileSync). */
export type ReadSecretFile = (path: string) => string;

type Raw = { value: unknown; source: ConfigSource; name: string };

/**
 * Resolves the settings from flags (`options`), the environment and the text of
 * `.env.harmonia`, in that order of precedence.
 * Thrown when a value is invalid: HarmoniaError CONFIG_INVALID naming the variable and the value.
 * @example resolveConfig({ port: 9000 }, process.env, readFileIfExists('.env.harmonia'))
 */
export function resolveConfig(
  options: ConfigOptions,
  env: Readonly<Record<string, string | undefined>>,
  file?: string,
  readSecretFile?: ReadSecretFile,
): ResolvedConfig {
  const fileValues = file === undefined ? new Map<string, string>() : parseEnvFile(file, '.env.harmonia');
  // Every unknown name at once, each with what to write instead, so a file in another
  // form (the source documents' unprefixed names) is fixed in one pass.
  const unknown = [...fileValues.keys()].filter((name) => !KNOWN_ENV.has(name));
  if (unknown.length === 1 && unknown[0] !== undefined) {
    const name = unknown[0];
    throw new HarmoniaError('CONFIG_INVALID', `unknown setting '${name}' in .env.harmonia; ${unknownSettingHint(name, KNOWN_ENV)}`, {
      details: { variable: name },
    });
  }
  if (unknown.length > 1) {
    const lines = unknown.map((name) => `  ${name}: ${unknownSettingHint(name, KNOWN_ENV)}`);
    throw new HarmoniaError(
      'CONFIG_INVALID',
      `.env.harmonia holds ${unknown.length} names that are no setting; Harmonia reads only HARMONIA_* settings from it:\n${lines.join('\n')}`,
      { details: { variables: unknown } },
    );
  }
  const sources = {} as Record<ConfigKey, ConfigSource>;
  const raw = (key: ConfigKey): Raw | undefined => {
    const envName = ENV_BY_KEY.get(key) ?? key;
    const flag = options[key];
    let found: Raw | undefined;
    if (flag !== undefined && flag !== null) found = { value: flag, source: 'flag', name: SETTINGS[key].flag?.name ?? `--${key.replace(/_/g, '-')}` };
    else if (env[envName] !== undefined && env[envName] !== '') found = { value: env[envName], source: 'env', name: envName };
    else if (fileValues.has(envName)) found = { value: fileValues.get(envName), source: 'file', name: `${envName} in .env.harmonia` };
    if (FILE_KEYS.has(key)) found = fromSecretFile(key, envName, found) ?? found;
    sources[key] = found?.source ?? 'default';
    return found;
  };
  // `HARMONIA_X_FILE=/run/secrets/x`: the value is read from the file, so it is not in the
  // server's environment, which every child process of the same user can read.
  const fromSecretFile = (key: ConfigKey, envName: string, direct: Raw | undefined): Raw | undefined => {
    const fileVar = `${envName}_FILE`;
    const path = env[fileVar] !== undefined && env[fileVar] !== '' ? env[fileVar] : fileValues.get(fileVar);
    if (path === undefined || path === '') return undefined;
    if (direct !== undefined && direct.source !== 'flag') {
      throw new HarmoniaError('CONFIG_INVALID', `both ${envName} and ${fileVar} are set; keep one (${fileVar} is recommended)`, {
        details: { variable: fileVar },
      });
    }
    if (direct !== undefined) return direct;
    if (!readSecretFile) {
      throw new HarmoniaError('CONFIG_INVALID', `${fileVar} is set but files cannot be read here; set ${envName} instead`, { details: { variable: fileVar } });
    }
    let text: string;
    try {
      text = readSecretFile(path);
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new HarmoniaError('CONFIG_INVALID', `${fileVar} names '${path}', which cannot be read (${String(reason)})`, {
        details: { variable: fileVar, path },
      });
    }
    // Secret files usually end with a newline that is not part of the secret.
    return { value: text.replace(/\r?\n$/, ''), source: 'file', name: `${fileVar} ('${path}')` };
  };
  const home = env.HOME ?? env.USERPROFILE;
  // Defaults and bounds come from the defaults table (src/core/settings.ts).
  const bounds = (key: ConfigKey): [number, number] => {
    const spec: SettingSpec = SETTINGS[key];
    return [spec.min ?? 0, spec.max ?? Number.MAX_SAFE_INTEGER];
  };
  const str = (key: ConfigKey) => expandHome(asString(raw(key)) ?? textDefault(key), home);
  const opt = (key: ConfigKey) => asString(raw(key)) ?? null;
  const number = (key: ConfigKey, kind: 'plain' | 'duration' | 'millis' | 'size') => asInteger(raw(key), numberDefault(key), ...bounds(key), kind);
  const int = (key: ConfigKey) => number(key, 'plain');
  const ms = (key: ConfigKey) => number(key, 'duration');
  // Settings whose variable ends in _MS: a bare number is milliseconds.
  const millis = (key: ConfigKey) => number(key, 'millis');
  const bytes = (key: ConfigKey) => number(key, 'size');

  const host = str('host');
  const port = int('port');
  const data_dir = str('data_dir');
  const debug = asBoolean(raw('debug'), SETTINGS.debug.default);
  const levelRaw = raw('log_level');
  const db_url = opt('db_url');
  const task_uid = optionalId(raw('task_uid'));
  const task_gid = optionalId(raw('task_gid'));
  if ((task_uid === null) !== (task_gid === null)) {
    throw new HarmoniaError('CONFIG_INVALID', 'HARMONIA_TASK_UID and HARMONIA_TASK_GID must be set together; a task left in the root group keeps root\'s group rights', {
      details: { variable: task_uid === null ? 'HARMONIA_TASK_UID' : 'HARMONIA_TASK_GID' },
    });
  }
  const url = asString(raw('url')) ?? `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  return {
    host,
    port,
    data_dir,
    packs_dir: str('packs_dir'),
    db_url,
    store: storeFor(db_url, data_dir, home),
    log_level: levelRaw === undefined ? (debug ? 'debug' : SETTINGS.log_level.default) : asLogLevel(levelRaw),
    debug,
    log_buffer_size: bytes('log_buffer_size'),
    log_flush_timeout_ms: ms('log_flush_timeout_ms'),
    max_concurrent_tasks: int('max_concurrent_tasks'),
    max_concurrent_workflows: int('max_concurrent_workflows'),
    default_timeout_ms: ms('default_timeout_ms'),
    max_execution_time_ms: ms('max_execution_time_ms'),
    execution_retention_ms: ms('execution_retention_ms'),
    execution_purge_interval_ms: ms('execution_purge_interval_ms'),
    retry_max_attempts: int('retry_max_attempts'),
    checkpoint_interval_seconds: int('checkpoint_interval_seconds'),
    max_workflow_size: bytes('max_workflow_size'),
    max_task_count: int('max_task_count'),
    max_file_size: bytes('max_file_size'),
    max_events_per_execution: int('max_events_per_execution'),
    max_task_output_size: bytes('max_task_output_size'),
    max_items: int('max_items'),
    max_workflow_depth: int('max_workflow_depth'),
    max_after_chain: int('max_after_chain'),
    max_descendants: int('max_descendants'),
    max_task_interruptions: int('max_task_interruptions'),
    max_log_size: bytes('max_log_size'),
    task_containment: asChoice(raw('task_containment'), TASK_CONTAINMENTS, SETTINGS.task_containment.default),
    validate_responses: asBoolean(raw('validate_responses'), SETTINGS.validate_responses.default),
    allowed_origins: asList(raw('allowed_origins')),
    api_tokens: asList(raw('api_tokens')),
    env_allowlist: asList(raw('env_allowlist')),
    secret_env: asList(raw('secret_env')),
    http_allow_private: asBoolean(raw('http_allow_private'), SETTINGS.http_allow_private.default),
    task_uid,
    task_gid,
    url,
    token: opt('token'),
    git_url: opt('git_url'),
    git_branch: str('git_branch'),
    git_path: str('git_path'),
    git_poll_interval_seconds: int('git_poll_interval_seconds'),
    git_webhook_secret: opt('git_webhook_secret'),
    git_token: opt('git_token'),
    git_sources: opt('git_sources'),
    node_id: opt('node_id'),
    dev_debounce_ms: millis('dev_debounce_ms'),
    sqlite_sync_off_loop: asBoolean(raw('sqlite_sync_off_loop'), SETTINGS.sqlite_sync_off_loop.default),
    pg_pool_size: int('pg_pool_size'),
    pg_pool_wait_ms: ms('pg_pool_wait_ms'),
    lease_ms: millis('lease_ms'),
    shutdown_grace_ms: ms('shutdown_grace_ms'),
    ...llmSettings(raw, opt, millis, int),
    sources,
  };
}

/** HARMONIA_* variables of the project's own tooling (tests, benches), not settings. */
const TOOLING_ENV = new Set(['HARMONIA_TEST_DATABASE_URL', 'HARMONIA_REQUIRE_POSTGRES', 'HARMONIA_TEST_REPORT', 'HARMONIA_SOAK_SECONDS', 'HARMONIA_CHAOS_SEED', 'HARMONIA_BENCH_DATABASE_URL']);

/**
 * Warnings for `HARMONIA_*` variables that are no setting (a typo is otherwise silently
 * ignored), each with the nearest setting's name when there is one.
 */
export function unknownSettingWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('HARMONIA_') || KNOWN_ENV.has(name) || TOOLING_ENV.has(name)) continue;
    const hint = unknownSettingHint(name, KNOWN_ENV);
    warnings.push(`unknown setting ${name} is ignored; ${hint.replace(/'(HARMONIA_[A-Z_]+)'/g, '$1')}`);
  }
  return warnings;
}

/** A copy with every secret replaced by `********` and the password of db_url hidden, safe to print. */
export function maskConfig(config: ResolvedConfig): ResolvedConfig {
  const hide = (value: string | null) => (value === null ? null : '********');
  const masked: ResolvedConfig = {
    ...config,
    api_tokens: config.api_tokens.map(() => '********'),
    token: hide(config.token),
    git_webhook_secret: hide(config.git_webhook_secret),
    git_token: hide(config.git_token),
    git_sources: hide(config.git_sources),
    llm_api_key: hide(config.llm_api_key),
    // a key may ride in the URL itself (`?key=`, as Google's endpoints take it)
    llm_base_url: config.llm_base_url === null ? null : redactUrls(config.llm_base_url),
    db_url: config.db_url === null ? null : maskUrlPassword(config.db_url),
  };
  if (masked.store.kind === 'postgres') masked.store = { kind: 'postgres', url: maskUrlPassword(masked.store.url) };
  return masked;
}

/** The secret values among the settings (tokens, the webhook secret, the database password), for the masker. */
export function configSecretValues(config: ResolvedConfig): string[] {
  const values = [...config.api_tokens.map((entry) => entry.split(':')[0] ?? entry), ...config.api_tokens];
  for (const value of [config.token, config.git_webhook_secret, config.git_token]) if (value !== null) values.push(value);
  if (config.llm_base_url !== null) values.push(...urlQuerySecrets(config.llm_base_url));
  if (config.db_url !== null && URL.canParse(config.db_url)) {
    const password = new URL(config.db_url).password;
    if (password !== '') values.push(password, safeDecode(password));
  }
  return values;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function maskUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1********@');
}

type LlmKeys = 'llm_base_url' | 'llm_model' | 'llm_api_key' | 'llm_api_key_file' | 'llm_timeout_ms' | 'llm_max_retries';

function llmSettings(
  raw: (key: ConfigKey) => Raw | undefined,
  opt: (key: ConfigKey) => string | null,
  millis: (key: ConfigKey) => number,
  int: (key: ConfigKey) => number,
): Pick<ResolvedConfig, LlmKeys> {
  const baseRaw = raw('llm_base_url');
  const base = opt('llm_base_url');
  if (baseRaw && base !== null && !/^https?:\/\/[^\s]+$/i.test(base)) {
    invalid(baseRaw, "an http(s) URL that /chat/completions is appended to, such as 'http://127.0.0.1:11434/v1'");
  }
  const key = opt('llm_api_key');
  const keyFile = opt('llm_api_key_file');
  if (key !== null && keyFile !== null) {
    throw new HarmoniaError('CONFIG_INVALID', 'set HARMONIA_LLM_API_KEY or HARMONIA_LLM_API_KEY_FILE, not both', {
      details: { variable: 'HARMONIA_LLM_API_KEY_FILE' },
    });
  }
  return {
    llm_base_url: base === null ? null : base.replace(/\/+$/, ''),
    llm_model: opt('llm_model'),
    llm_api_key: key,
    llm_api_key_file: keyFile,
    llm_timeout_ms: millis('llm_timeout_ms'),
    llm_max_retries: int('llm_max_retries'),
  };
}

function invalid(raw: Raw, expected: string): never {
  // A refused value may still be a URL carrying a password or a key: shown redacted.
  const shown = redactUrls(String(raw.value));
  throw new HarmoniaError('CONFIG_INVALID', `${raw.name} must be ${expected}, got '${shown}'`, {
    details: { variable: raw.name, value: shown },
  });
}

function asString(raw: Raw | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw.value !== 'string') return invalid(raw, 'a string');
  return raw.value.trim();
}

function expandHome(path: string, home: string | undefined): string {
  if (home && (path === '~' || path.startsWith('~/'))) return join(home, path.slice(1));
  return path;
}

// A bare number is seconds, as in the source design (HARMONIA_DEFAULT_TIMEOUT=3600 is an hour).
const DURATION_UNITS: Record<string, number> = { '': 1000, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MILLIS_UNITS: Record<string, number> = { ...DURATION_UNITS, '': 1 };
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1_048_576, mb: 1_048_576, mib: 1_048_576 };

function asInteger(raw: Raw | undefined, fallback: number, min: number, max: number, kind: 'plain' | 'duration' | 'millis' | 'size'): number {
  if (raw === undefined) return fallback;
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  const span = max === Number.MAX_SAFE_INTEGER ? `at least ${min} ms` : `from ${min} to ${max} ms`;
  const expected =
    kind === 'duration'
      ? `a duration in seconds, or with a unit: 500ms, 30s, 5m, 1h, 30d (${span})`
      : kind === 'millis'
        ? `a duration in milliseconds, or with a unit: 500ms, 30s, 5m (${span})`
      : kind === 'size'
        ? `a size in bytes (${range}; or with a unit: 512KiB, 1MiB)`
        : `an integer ${range}`;
  let value: number;
  if (typeof raw.value === 'number') value = raw.value;
  else if (typeof raw.value === 'string') {
    const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(raw.value);
    const units = kind === 'duration' ? DURATION_UNITS : kind === 'millis' ? MILLIS_UNITS : kind === 'size' ? SIZE_UNITS : { '': 1 };
    const factor = m ? units[(m[2] ?? '').toLowerCase()] : undefined;
    if (!m || factor === undefined) return invalid(raw, expected);
    value = Number(m[1]) * factor;
  } else return invalid(raw, expected);
  if (!Number.isSafeInteger(value) || value < min || value > max) return invalid(raw, expected);
  return value;
}

function asBoolean(raw: Raw | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw.value === 'boolean') return raw.value;
  const text = typeof raw.value === 'string' ? raw.value.trim().toLowerCase() : '';
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  return invalid(raw, 'true or false');
}

function asList(raw: Raw | undefined): string[] {
  if (raw === undefined) return [];
  const items = typeof raw.value === 'string' ? raw.value.split(',') : Array.isArray(raw.value) ? raw.value : undefined;
  if (!items || !items.every((item): item is string => typeof item === 'string')) return invalid(raw, 'a comma-separated list');
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function asChoice<T extends string>(raw: Raw | undefined, choices: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  const text = typeof raw.value === 'string' ? raw.value.trim().toLowerCase() : '';
  return choices.find((choice) => choice === text) ?? invalid(raw, `one of ${choices.join(', ')}`);
}

function optionalId(raw: Raw | undefined): number | null {
  return raw === undefined ? null : asInteger(raw, 0, 0, MAX_POSIX_ID, 'plain');
}

/** The table's default of a numeric setting. */
function numberDefault(key: ConfigKey): number {
  const value = SETTINGS[key].default;
  if (typeof value !== 'number') throw new TypeError(`setting ${key} has no numeric default`);
  return value;
}

/** The table's default of a text setting. */
function textDefault(key: ConfigKey): string {
  const value = SETTINGS[key].default;
  if (typeof value !== 'string') throw new TypeError(`setting ${key} has no text default`);
  return value;
}

function asLogLevel(raw: Raw): LogLevel {
  const text = typeof raw.value === 'string' ? raw.value.trim().toLowerCase() : '';
  const level = text === 'warning' ? 'warn' : text;
  const found = LOG_LEVELS.find((l) => l === level);
  return found ?? invalid(raw, `one of ${LOG_LEVELS.join(', ')}`);
}

function storeFor(dbUrl: string | null, dataDir: string, home: string | undefined): StoreConfig {
  if (dbUrl === null) return { kind: 'sqlite', file: join(dataDir, 'harmonia.db') };
  if (/^postgres(ql)?:\/\//i.test(dbUrl)) return { kind: 'postgres', url: dbUrl };
  const sqlite = /^sqlite:(\/\/)?(.+)$/i.exec(dbUrl);
  if (sqlite?.[2]) return { kind: 'sqlite', file: expandHome(sqlite[2], home) };
  return invalid(
    { value: dbUrl, source: 'env', name: 'HARMONIA_DB_URL' },
    'a postgres://user:pass@host/db URL or sqlite:PATH',
  );
}

/** What core.llm and the assistant need: the endpoint, the default model and the key (read from its file here). */
export interface LlmConfig {
  base_url: string;
  model: string | null;
  /** Secret: only ever sent in the Authorization header. */
  api_key: string | null;
  timeout_ms: number;
  max_retries: number;
}

/**
 * The language-model settings, or null when HARMONIA_LLM_BASE_URL is unset. The key file
 * is read through `readText` (the composition root passes fs), once.
 * Thrown when the key file cannot be read or is empty: CONFIG_INVALID (naming the file, never its content).
 */
export function llmConfigOf(config: ResolvedConfig, readText: (path: string) => string): LlmConfig | null {
  if (config.llm_base_url === null) return null;
  let api_key = config.llm_api_key;
  if (config.llm_api_key_file !== null) {
    const file = config.llm_api_key_file;
    try {
      api_key = readText(file).trim();
    } catch (error) {
      throw new HarmoniaError('CONFIG_INVALID', `HARMONIA_LLM_API_KEY_FILE '${file}' cannot be read: ${(error as { code?: string }).code ?? 'error'}`, {
        details: { variable: 'HARMONIA_LLM_API_KEY_FILE', value: file },
      });
    }
    if (api_key === '') {
      throw new HarmoniaError('CONFIG_INVALID', `HARMONIA_LLM_API_KEY_FILE '${file}' is empty`, { details: { variable: 'HARMONIA_LLM_API_KEY_FILE', value: file } });
    }
  }
  return { base_url: config.llm_base_url, model: config.llm_model, api_key, timeout_ms: config.llm_timeout_ms, max_retries: config.llm_max_retries };
}

/** The action registry's settings from the resolved configuration (shared by `serve` and `run`): the address policy and the tasks' user. */
export function actionOptionsOf(config: ResolvedConfig): { http: { allow_private: boolean }; run_as?: { uid: number; gid: number } } {
  const http = { allow_private: config.http_allow_private };
  if (config.task_uid === null || config.task_gid === null) return { http };
  return { http, run_as: { uid: config.task_uid, gid: config.task_gid } };
}

/** The engine's settings from the resolved configuration (shared by `serve` and `run`). */
export function engineConfigOf(config: ResolvedConfig, packsDir: string): EngineConfig {
  return {
    max_concurrent_tasks: config.max_concurrent_tasks,
    max_concurrent_workflows: config.max_concurrent_workflows,
    default_timeout_ms: config.default_timeout_ms,
    max_execution_time_ms: config.max_execution_time_ms,
    retry_max_attempts: config.retry_max_attempts,
    checkpoint_interval_s: config.checkpoint_interval_seconds,
    env_allowlist: config.env_allowlist,
    secret_env: config.secret_env,
    packs_dir: packsDir,
    limits: {
      max_events_per_execution: config.max_events_per_execution,
      max_task_output_bytes: config.max_task_output_size,
      max_items: config.max_items,
      max_workflow_depth: config.max_workflow_depth,
      max_descendants: config.max_descendants,
      max_task_interruptions: config.max_task_interruptions,
      max_log_bytes_per_attempt: config.max_log_size,
    },
  };
}
