/**
 * The one defaults table: every setting with its environment variable, its command-line
 * flag, its default, its bounds and what it means. `resolveConfig` (src/config.ts) reads
 * values through it; the engine, the server and the CLI take their defaults from it and
 * are handed the resolved values; docs/configuration.md is rendered from it.
 *
 * Terminology: a *setting* is one key of ResolvedConfig (`max_task_count`); its
 * *variable* is the `HARMONIA_*` name read from the environment and `.env.harmonia`.
 */

import { MAX_TIMER_MS } from './long-timer.js';

/** The longest git poll interval, in seconds: its timer is a setTimeout (~24.8 days). */
export const MAX_POLL_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * How a value is read: `duration` is seconds when bare (`300`, or `500ms`, `30s`, `5m`, `1h`),
 * `millis` is milliseconds when bare; `size` is bytes (`512KiB`, `1MiB`); `list` is
 * comma-separated; `id` is a user or group id.
 */
export type SettingKind =
  | 'string'
  | 'optional-string'
  | 'integer'
  | 'duration'
  | 'millis'
  | 'size'
  | 'boolean'
  | 'list'
  | 'choice'
  | 'id';

export interface SettingSpec {
  /** The environment variable (and `.env.harmonia` name). */
  env: string;
  /** The command-line flag and the commands that take it, when there is one. */
  flag: { name: string; commands: string } | null;
  kind: SettingKind;
  /** The default in the resolved unit (ms for durations, bytes for sizes); null: unset. */
  default: string | number | boolean | readonly string[] | null;
  /** Said instead of the value when the default is derived from other settings. */
  default_text?: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Masked by `harmonia config` and never logged. */
  secret: boolean;
  /** `<VARIABLE>_FILE` names a file holding the value. */
  file_variant: boolean;
  /** One sentence for the docs. */
  meaning: string;
}

// Generic in the default so `SETTINGS.port.default` is typed as a number, not the union.
const setting = <D extends SettingSpec['default']>(
  env: string,
  kind: SettingKind,
  defaultValue: D,
  meaning: string,
  extra: Partial<Omit<SettingSpec, 'env' | 'kind' | 'default' | 'meaning'>> = {},
): SettingSpec & { default: D } => ({
  env,
  flag: null,
  kind,
  default: defaultValue,
  meaning,
  secret: false,
  file_variant: false,
  // Every duration reaches a timer somewhere, and Node runs one past 2^31-1 ms after 1 ms.
  ...(kind === 'duration' || kind === 'millis' ? { max: MAX_TIMER_MS } : {}),
  ...extra,
});

const MIB = 1_048_576;

/** The values HARMONIA_LOG_LEVEL takes. */
export const LOG_LEVEL_CHOICES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** The values HARMONIA_TASK_CONTAINMENT takes. */
export const TASK_CONTAINMENT_CHOICES = ['auto', 'namespace', 'parent-death', 'process-group'] as const;
/** The largest user or group id. */
export const MAX_POSIX_ID = 4_294_967_294;

/** Every setting, in documentation order. */
export const SETTINGS = {
  host: setting('HARMONIA_HOST', 'string', '127.0.0.1', 'Interface the server binds.', { flag: { name: '--host', commands: 'serve' } }),
  port: setting('HARMONIA_PORT', 'integer', 8002, 'The one port for REST, WebSocket and SSE (0: any free port).', {
    min: 0,
    max: 65535,
    flag: { name: '--port', commands: 'serve' },
  }),
  data_dir: setting('HARMONIA_DATA_DIR', 'string', './.harmonia', 'State folder; holds harmonia.db (SQLite), the action cache and the token file.', {
    flag: { name: '--data-dir', commands: 'serve' },
  }),
  packs_dir: setting('HARMONIA_PACKS_DIR', 'string', './packs', 'The packs folder that validate, sync and serve use.', {
    flag: { name: '--packs', commands: 'serve' },
  }),
  db_url: setting(
    'HARMONIA_DB_URL',
    'optional-string',
    null,
    'postgres://user:pass@host/db (add ?schema=NAME for a schema of its own) or sqlite:PATH; unset means SQLite in the data folder. Its password is masked wherever it is printed.',
    { file_variant: true, default_text: 'unset: SQLite at `<data_dir>/harmonia.db`' },
  ),
  log_level: setting('HARMONIA_LOG_LEVEL', 'choice', 'info', 'Log level (any case; warning means warn).', {
    choices: LOG_LEVEL_CHOICES,
    default_text: '`info` (`debug` when HARMONIA_DEBUG is on)',
  }),
  debug: setting('HARMONIA_DEBUG', 'boolean', false, 'Debug logs and stack traces of internal errors on stderr.'),
  log_buffer_size: setting(
    'HARMONIA_LOG_BUFFER_SIZE',
    'size',
    16 * MIB,
    "Log output `serve` holds for a stdout reader that has fallen behind, and as much again of its own stderr lines for a stalled stderr reader; past it new lines are dropped (and counted) rather than stalling the server.",
    { min: 0 },
  ),
  log_flush_timeout_ms: setting('HARMONIA_LOG_FLUSH_TIMEOUT', 'duration', 5_000, 'At the end of a shutdown, how long held log lines get to reach stdout (and held lines stderr) before the process exits without them.', { min: 0 }),
  max_concurrent_tasks: setting('HARMONIA_MAX_CONCURRENT_TASKS', 'integer', 10, 'Tasks (and fan-out items) of one execution running at once.', { min: 1 }),
  max_concurrent_workflows: setting('HARMONIA_MAX_CONCURRENT_WORKFLOWS', 'integer', 100, 'Top-level executions running at once on a node; the rest wait, in order, as pending.', { min: 1 }),
  default_timeout_ms: setting('HARMONIA_DEFAULT_TIMEOUT', 'duration', 300_000, 'Task attempt deadline when neither the task nor its action sets timeout_ms.', { min: 1 }),
  max_execution_time_ms: setting('HARMONIA_MAX_EXECUTION_TIME', 'duration', 86_400_000, 'An execution still running this long after its start fails with TIMEOUT; 0 means no deadline.', { min: 0 }),
  // Not timers: the age is compared with finished_at, and the interval is capped below by max.
  execution_retention_ms: setting(
    'HARMONIA_EXECUTION_RETENTION',
    'duration',
    0,
    'Finished executions (completed, failed, canceled) are deleted, with their sub-workflows, events, checkpoints, state and task logs, this long after they finished; 0 keeps them forever (see operations.md, Retention).',
    { min: 0, max: 100 * 365 * 86_400_000 },
  ),
  execution_purge_interval_ms: setting('HARMONIA_EXECUTION_PURGE_INTERVAL', 'duration', 3_600_000, 'With a retention set, how often the server (one node of a cluster) deletes what has aged past it.', { min: 1_000 }),
  retry_max_attempts: setting('HARMONIA_RETRY_MAX_ATTEMPTS', 'integer', 1, 'Attempts, the first included, when a task sets no retry.max_attempts.', { min: 1 }),
  checkpoint_interval_seconds: setting('HARMONIA_CHECKPOINT_INTERVAL', 'integer', 0, 'Seconds between automatic checkpoints of a running execution; 0 turns them off.', { min: 0 }),
  max_workflow_size: setting('HARMONIA_MAX_WORKFLOW_SIZE', 'size', MIB, 'Largest workflow or template, in bytes, at every gate (API body, validate, sync).', { min: 1 }),
  max_task_count: setting('HARMONIA_MAX_TASK_COUNT', 'integer', 1000, 'Most tasks in one workflow or template, at every gate (API: 422; files: WORKFLOW_TOO_MANY_TASKS).', { min: 1 }),
  max_file_size: setting('HARMONIA_MAX_FILE_SIZE', 'size', MIB, 'Pack files larger than this are refused unread.', {
    min: 1,
    flag: { name: '--max-file-size', commands: 'validate, sync' },
  }),
  max_events_per_execution: setting('HARMONIA_MAX_EVENTS_PER_EXECUTION', 'integer', 100_000, 'Events one execution may write; past it the execution fails with EXEC_LIMIT.', { min: 1 }),
  max_task_output_size: setting('HARMONIA_MAX_TASK_OUTPUT_SIZE', 'size', MIB, 'Bytes of JSON a task may return; more fails the task with TASK_OUTPUT_TOO_LARGE.', { min: 1 }),
  max_items: setting('HARMONIA_MAX_ITEMS', 'integer', 1000, 'Items one with_items fan-out may expand to; more fails the task with EXEC_LIMIT.', { min: 1 }),
  max_workflow_depth: setting('HARMONIA_MAX_WORKFLOW_DEPTH', 'integer', 16, 'Levels of core.workflow nesting below a top-level execution.', { min: 1 }),
  max_after_chain: setting('HARMONIA_MAX_AFTER_CHAIN', 'integer', 10, 'Executions in a row that after-triggers may start, each by the end of the one before; the next fire is recorded skipped (chain too long), so a ring validation could not see stops.', { min: 1 }),
  max_descendants: setting('HARMONIA_MAX_DESCENDANTS', 'integer', 1000, 'Executions below one top-level execution, all levels together.', { min: 1 }),
  max_task_interruptions: setting(
    'HARMONIA_MAX_TASK_INTERRUPTIONS',
    'integer',
    5,
    "Times one attempt may be interrupted by the engine's own death and run again without spending its retry budget; past it the attempt fails with INTERRUPTED.",
    { min: 0 },
  ),
  max_log_size: setting('HARMONIA_MAX_LOG_SIZE', 'size', MIB, 'Bytes of task log one attempt may write; past it a truncation note ends its log.', { min: 1 }),
  task_containment: setting(
    'HARMONIA_TASK_CONTAINMENT',
    'choice',
    'auto',
    'How task processes are kept from outliving the engine: namespace (Linux PID namespace), parent-death, process-group, or auto (the strongest available).',
    { choices: TASK_CONTAINMENT_CHOICES },
  ),
  validate_responses: setting(
    'HARMONIA_VALIDATE_RESPONSES',
    'boolean',
    false,
    "Check every API response against /openapi.json (status declared, content type, JSON body by its schema) and answer a mismatch with 500 RESPONSE_CONTRACT_VIOLATION; for tests and staging, it costs a schema check per response.",
  ),
  allowed_origins: setting('HARMONIA_ALLOWED_ORIGINS', 'list', [], 'Browser origins (https://app.example, or *) allowed to call the API and open its streams (CORS, no credentials).'),
  api_tokens: setting('HARMONIA_API_TOKENS', 'list', [], 'Bearer tokens the server accepts (token or token:scope); empty means no authentication.', {
    secret: true,
    file_variant: true,
  }),
  env_allowlist: setting('HARMONIA_ENV_ALLOWLIST', 'list', [], 'Environment variables that ${env.NAME} may read.'),
  secret_env: setting(
    'HARMONIA_SECRET_ENV',
    'list',
    [],
    'Allow-listed variables whose values are masked wherever they appear (names with TOKEN, PASSWORD, SECRET, API_KEY, CREDENTIAL are secret anyway).',
  ),
  http_allow_private: setting(
    'HARMONIA_HTTP_ALLOW_PRIVATE',
    'boolean',
    false,
    'Let core.http, http runners and components reach loopback and private addresses (metadata and link-local stay refused).',
  ),
  task_uid: setting('HARMONIA_TASK_UID', 'id', null, 'Run task processes (core.shell, pack scripts) as this user id; set with HARMONIA_TASK_GID.', { max: MAX_POSIX_ID }),
  task_gid: setting('HARMONIA_TASK_GID', 'id', null, 'The group id task processes run with; set with HARMONIA_TASK_UID.', { max: MAX_POSIX_ID }),
  url: setting('HARMONIA_URL', 'optional-string', null, 'The server the CLI talks to.', {
    default_text: '`http://<host>:<port>` (127.0.0.1 when host is 0.0.0.0)',
    flag: { name: '--url', commands: 'remote commands' },
  }),
  token: setting('HARMONIA_TOKEN', 'optional-string', null, 'Bearer token the CLI sends.', {
    secret: true,
    file_variant: true,
    flag: { name: '--token', commands: 'remote commands' },
  }),
  dev_debounce_ms: setting(
    'HARMONIA_DEV_DEBOUNCE_MS',
    'millis',
    20,
    "Dev mode: how long a pack's changed files must be quiet, by their modification times, before the pack syncs; an editor's atomic save (a few events within milliseconds) syncs once.",
    { min: 0, max: 60_000, flag: { name: '--debounce', commands: 'dev, serve --dev' } },
  ),
  git_url: setting('HARMONIA_GIT_URL', 'optional-string', null, 'A git remote to sync packs from.', { flag: { name: '--git', commands: 'serve' } }),
  git_branch: setting('HARMONIA_GIT_BRANCH', 'string', 'main', 'The branch of git_url that is followed.', { flag: { name: '--branch', commands: 'serve' } }),
  git_path: setting('HARMONIA_GIT_PATH', 'string', 'packs', 'The folder of the repository that holds the packs.', { flag: { name: '--git-path', commands: 'serve' } }),
  git_poll_interval_seconds: setting('HARMONIA_GIT_POLL_INTERVAL', 'integer', 60, 'Seconds between fetches of git_url; 0 means webhook only.', { min: 0, max: MAX_POLL_SECONDS }),
  git_webhook_secret: setting('HARMONIA_GIT_WEBHOOK_SECRET', 'optional-string', null, 'HMAC secret that signs git webhooks.', { secret: true, file_variant: true }),
  git_token: setting('HARMONIA_GIT_TOKEN', 'optional-string', null, 'Token for fetching a private git_url.', { secret: true, file_variant: true }),
  git_sources: setting(
    'HARMONIA_GIT_SOURCES',
    'optional-string',
    null,
    'Several git sources at once: a YAML or JSON list of {name, url, branch, path, poll_interval, webhook_secret or webhook_secret_env, token or token_env}; not with HARMONIA_GIT_URL (see gitops.md, Several git sources).',
    { secret: true, file_variant: true },
  ),
  node_id: setting('HARMONIA_NODE_ID', 'optional-string', null, "This node's name among the nodes sharing one PostgreSQL database; must differ between nodes.", {
    default_text: '`<hostname>-<pid>-<random>`',
  }),
  sqlite_sync_off_loop: setting(
    'HARMONIA_SQLITE_SYNC_OFF_LOOP',
    'boolean',
    true,
    "SQLite: the commits that start executions sync the database's log on a thread, answered once it is on disk, so the server handles other requests meanwhile; off, every commit syncs on the event loop (fewer thread hops, better on a machine short of CPU). Durable either way (operations.md, Durability).",
  ),
  pg_pool_size: setting(
    'HARMONIA_PG_POOL_SIZE',
    'integer',
    10,
    "Connections in a node's PostgreSQL pool for statements; the connections it holds for good (its LISTENs, the leadership and announcements of git polling, its liveness lock, lease renewals) are opened besides them (see operations.md, Sizing).",
    { min: 1 },
  ),
  pg_pool_wait_ms: setting(
    'HARMONIA_PG_POOL_WAIT',
    'duration',
    30_000,
    'Longest wait of a statement for a free connection of the PostgreSQL pool (or for a new one to open); then it fails with STORE_UNAVAILABLE naming the pool instead of waiting on.',
    { min: 1 },
  ),
  lease_ms: setting('HARMONIA_LEASE_MS', 'millis', 15_000, "How long a node's claim on an execution lasts unrenewed (PostgreSQL); a node cut off or frozen loses its executions after this, one whose process died at once (its liveness lock).", { min: 100 }),
  shutdown_grace_ms: setting('HARMONIA_SHUTDOWN_GRACE', 'duration', 10_000, 'On SIGTERM or Ctrl-C, how long running executions get to finish before their tasks are handed back.', { min: 0 }),
  llm_base_url: setting(
    'HARMONIA_LLM_BASE_URL',
    'optional-string',
    null,
    'OpenAI-compatible endpoint that /chat/completions is appended to; unset turns core.llm and the assistant off.',
  ),
  llm_model: setting('HARMONIA_LLM_MODEL', 'optional-string', null, 'Model used when a task names none, and by draft and explain.'),
  llm_api_key: setting('HARMONIA_LLM_API_KEY', 'optional-string', null, 'Bearer key sent to the model server.', { secret: true }),
  llm_api_key_file: setting('HARMONIA_LLM_API_KEY_FILE', 'optional-string', null, 'A file holding that key instead, read once at start-up (not with HARMONIA_LLM_API_KEY).'),
  llm_timeout_ms: setting('HARMONIA_LLM_TIMEOUT_MS', 'millis', 120_000, 'Deadline of one request to the model server.', { min: 1 }),
  llm_max_retries: setting('HARMONIA_LLM_MAX_RETRIES', 'integer', 2, 'Re-sends of one model request after a 429 or 5xx, waiting out Retry-After.', { min: 0, max: 10 }),
} as const satisfies Record<string, SettingSpec>;

/** A setting's key. */
export type SettingKey = keyof typeof SETTINGS;
