import type { ActionContext } from './action.js';

/** Parent variables a child sees when no allow-list is configured. */
export const DEFAULT_ENV_ALLOWLIST: readonly string[] = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];

/** Used when the composition root passes no parent environment. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ChildEnvOptions {
  /** The server's own environment (only src/cli and src/server read process.env). */
  parent_env?: Readonly<Record<string, string | undefined>>;
  allowlist: readonly string[];
  /** Task-supplied variables, already checked with `readTaskEnv`. */
  extra?: Readonly<Record<string, string>>;
  ctx: ActionContext;
  input_json?: string;
}

/**
 * A child's whole environment: the allowed parent variables, then the task's own,
 * then the HARMONIA_* context (which a task cannot override).
 */
export function buildChildEnv(options: ChildEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  const parent = options.parent_env ?? { PATH: FALLBACK_PATH };
  for (const name of options.allowlist) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  if (env.PATH === undefined) env.PATH = FALLBACK_PATH;
  Object.assign(env, options.extra ?? {});
  env.HARMONIA_EXECUTION_ID = options.ctx.execution_id;
  env.HARMONIA_TASK_ID = options.ctx.task_id;
  env.HARMONIA_ATTEMPT = String(options.ctx.attempt);
  env.HARMONIA_IDEMPOTENCY_KEY = options.ctx.idempotency_key;
  if (options.input_json !== undefined) env.HARMONIA_INPUT = options.input_json;
  return env;
}

/**
 * Checks a task's `env` object: names must be shell-safe identifiers, values scalars
 * (numbers and booleans become strings). Returns a message on the first problem.
 */
export function readTaskEnv(value: unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return `'env' must be an object of names to strings`;
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!ENV_NAME.test(name)) return `env name '${name}' is not valid; use letters, digits and '_'`;
    if (name.startsWith('HARMONIA_')) return `env name '${name}' is reserved; HARMONIA_* variables are set by harmonia`;
    if (typeof raw === 'string') env[name] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') env[name] = String(raw);
    else return `env value of '${name}' must be a string, number or boolean`;
  }
  return env;
}
