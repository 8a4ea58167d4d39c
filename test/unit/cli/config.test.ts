import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { SETTINGS } from '../../../src/core/settings.js';
import { CONFIG_KEYS, engineConfigOf, maskConfig, resolveConfig } from '../../../src/config.js';

function configError(fn: () => unknown): HarmoniaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HarmoniaError) return error;
    throw error;
  }
  throw new Error('expected a HarmoniaError');
}

describe('resolveConfig()', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8002,
      data_dir: './.harmonia',
      packs_dir: './packs',
      db_url: null,
      store: { kind: 'sqlite', file: '.harmonia/harmonia.db' },
      log_level: 'info',
      debug: false,
      max_concurrent_tasks: 10,
      max_concurrent_workflows: 100,
      default_timeout_ms: 300_000,
      max_execution_time_ms: 86_400_000,
      retry_max_attempts: 1,
      checkpoint_interval_seconds: 0,
      max_workflow_size: 1_048_576,
      max_task_count: 1000,
      max_file_size: 1_048_576,
      api_tokens: [],
      env_allowlist: [],
      url: 'http://127.0.0.1:8002',
      token: null,
      git_url: null,
      git_branch: 'main',
      git_path: 'packs',
      git_poll_interval_seconds: 60,
    });
    expect(Object.values(config.sources).every((s) => s === 'default')).toBe(true);
  });

  it('prefers flags over the environment over the file', () => {
    const file = 'HARMONIA_PORT=1111\nHARMONIA_HOST=file-host\nHARMONIA_LOG_LEVEL=error\n';
    const config = resolveConfig({ port: 3333 }, { HARMONIA_PORT: '2222', HARMONIA_HOST: 'env-host' }, file);
    expect([config.port, config.host, config.log_level]).toEqual([3333, 'env-host', 'error']);
    expect([config.sources.port, config.sources.host, config.sources.log_level]).toEqual(['flag', 'env', 'file']);
  });

  it('treats an empty environment variable as unset', () => {
    expect(resolveConfig({}, { HARMONIA_PORT: '' }, 'HARMONIA_PORT=9000').port).toBe(9000);
  });

  it('rejects a non-numeric port naming the variable and the value', () => {
    const error = configError(() => resolveConfig({}, { HARMONIA_PORT: 'eighty' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe("HARMONIA_PORT must be an integer from 0 to 65535, got 'eighty'");
  });

  it('rejects a negative limit', () => {
    expect(configError(() => resolveConfig({}, { HARMONIA_MAX_CONCURRENT_TASKS: '-1' })).message).toBe(
      "HARMONIA_MAX_CONCURRENT_TASKS must be an integer 1 or more, got '-1'",
    );
  });

  it('names the flag when a flag value is invalid', () => {
    expect(configError(() => resolveConfig({ max_file_size: '0' }, {})).message).toMatch(/^--max-file-size must be/);
  });

  it('names the file when a value from .env.harmonia is invalid', () => {
    expect(configError(() => resolveConfig({}, {}, 'HARMONIA_DEBUG=maybe')).message).toBe(
      "HARMONIA_DEBUG in .env.harmonia must be true or false, got 'maybe'",
    );
  });

  it('accepts durations with units and sizes with binary units', () => {
    const config = resolveConfig({}, { HARMONIA_DEFAULT_TIMEOUT: '30s', HARMONIA_MAX_FILE_SIZE: '512KiB' });
    expect([config.default_timeout_ms, config.max_file_size]).toEqual([30_000, 524_288]);
  });

  it('reads a bare duration as seconds, as the source design writes HARMONIA_DEFAULT_TIMEOUT=3600', () => {
    const config = resolveConfig({}, { HARMONIA_DEFAULT_TIMEOUT: '3600', HARMONIA_MAX_EXECUTION_TIME: '250ms' });
    expect([config.default_timeout_ms, config.max_execution_time_ms]).toEqual([3_600_000, 250]);
  });

  it("reads dev mode's debounce in milliseconds and states its bounds when refusing one", () => {
    expect(resolveConfig({}, {}).dev_debounce_ms).toBe(20);
    expect(resolveConfig({ dev_debounce_ms: '0' }, { HARMONIA_DEV_DEBOUNCE_MS: '100' }).dev_debounce_ms).toBe(0);
    expect(configError(() => resolveConfig({ dev_debounce_ms: '70000' }, {})).message).toBe(
      "--debounce must be a duration in milliseconds, or with a unit: 500ms, 30s, 5m (from 0 to 60000 ms), got '70000'",
    );
  });

  it('reads the cluster settings: node id, lease in milliseconds, shutdown grace in seconds', () => {
    const config = resolveConfig({}, { HARMONIA_NODE_ID: 'node-a', HARMONIA_LEASE_MS: '20000', HARMONIA_SHUTDOWN_GRACE: '30' });
    expect([config.node_id, config.lease_ms, config.shutdown_grace_ms]).toEqual(['node-a', 20_000, 30_000]);
    expect(resolveConfig({}, {}).lease_ms).toBe(15_000);
    expect(configError(() => resolveConfig({}, { HARMONIA_LEASE_MS: '5' })).code).toBe('CONFIG_INVALID');
  });

  it("reads the PostgreSQL pool's size and its longest wait for a free connection (seconds when bare)", () => {
    const config = resolveConfig({}, { HARMONIA_PG_POOL_SIZE: '3', HARMONIA_PG_POOL_WAIT: '5' });
    expect([config.pg_pool_size, config.pg_pool_wait_ms]).toEqual([3, 5_000]);
    expect(resolveConfig({}, {}).pg_pool_wait_ms).toBe(30_000);
    expect(resolveConfig({}, { HARMONIA_PG_POOL_WAIT: '250ms' }).pg_pool_wait_ms).toBe(250);
    expect(configError(() => resolveConfig({}, { HARMONIA_PG_POOL_WAIT: '0' })).code).toBe('CONFIG_INVALID');
  });

  it('refuses every duration setting past setTimeout\'s 24.8 days, naming the variable', () => {
    // Node runs a longer timer after 1 ms: a 30-day shutdown grace would end at once.
    for (const [key, spec] of Object.entries(SETTINGS)) {
      if (spec.kind !== 'duration' && spec.kind !== 'millis') continue;
      // An age compared with finished_at, never a timer: retention is counted in days.
      if (key === 'execution_retention_ms') continue;
      const error = configError(() => resolveConfig({}, { [spec.env]: `${30 * 24}h` }));
      expect([key, error.code, error.details?.variable]).toEqual([key, 'CONFIG_INVALID', spec.env]);
      expect(spec.max ?? Infinity).toBeLessThanOrEqual(2_147_483_647);
      expect(error.message).toContain(`to ${spec.max} ms`);
    }
    expect(resolveConfig({}, { HARMONIA_SHUTDOWN_GRACE: '2147483647ms' }).shutdown_grace_ms).toBe(2_147_483_647);
    expect(resolveConfig({}, { HARMONIA_EXECUTION_RETENTION: '90d' }).execution_retention_ms).toBe(90 * 86_400_000);
  });

  it('reads the engine limits and hands them to the engine', () => {
    const config = resolveConfig({}, {
      HARMONIA_MAX_EVENTS_PER_EXECUTION: '5000',
      HARMONIA_MAX_TASK_OUTPUT_SIZE: '64KiB',
      HARMONIA_MAX_ITEMS: '50',
      HARMONIA_MAX_WORKFLOW_DEPTH: '4',
      HARMONIA_MAX_DESCENDANTS: '200',
      HARMONIA_MAX_TASK_INTERRUPTIONS: '2',
    });
    expect(engineConfigOf(config, '/packs').limits).toEqual({
      max_events_per_execution: 5000,
      max_task_output_bytes: 65_536,
      max_items: 50,
      max_workflow_depth: 4,
      max_descendants: 200,
      max_task_interruptions: 2,
      max_log_bytes_per_attempt: 1_048_576,
    });
    expect(resolveConfig({}, {}).max_descendants).toBe(1000);
    expect(resolveConfig({}, {}).max_task_interruptions).toBe(5);
  });

  it('reads how task processes are contained, and refuses an unknown level', () => {
    expect(resolveConfig({}, {}).task_containment).toBe('auto');
    expect(resolveConfig({}, { HARMONIA_TASK_CONTAINMENT: 'Namespace' }).task_containment).toBe('namespace');
    const error = configError(() => resolveConfig({}, { HARMONIA_TASK_CONTAINMENT: 'jail' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('HARMONIA_TASK_CONTAINMENT');
  });

  it('rejects an unknown unit', () => {
    expect(configError(() => resolveConfig({}, { HARMONIA_DEFAULT_TIMEOUT: '3 days' })).code).toBe('CONFIG_INVALID');
  });

  it('splits comma lists and drops empty items', () => {
    expect(resolveConfig({}, { HARMONIA_ENV_ALLOWLIST: 'HOME, CI,,USER ' }).env_allowlist).toEqual(['HOME', 'CI', 'USER']);
  });

  it('reads log levels case-insensitively and turns on debug logs with HARMONIA_DEBUG', () => {
    expect(resolveConfig({}, { HARMONIA_LOG_LEVEL: 'WARNING' }).log_level).toBe('warn');
    expect(resolveConfig({}, { HARMONIA_DEBUG: 'true' }).log_level).toBe('debug');
  });

  it('selects PostgreSQL for a postgres URL and SQLite for a sqlite: URL', () => {
    expect(resolveConfig({}, { HARMONIA_DB_URL: 'postgres://u:p@db/h' }).store).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db/h',
    });
    expect(resolveConfig({}, { HARMONIA_DB_URL: 'sqlite:/var/lib/h.db' }).store).toEqual({
      kind: 'sqlite',
      file: '/var/lib/h.db',
    });
  });

  it('rejects a database URL of another kind', () => {
    expect(configError(() => resolveConfig({}, { HARMONIA_DB_URL: 'mysql://x' })).message).toMatch(
      /^HARMONIA_DB_URL must be a postgres/,
    );
  });

  it('expands ~ in paths from HOME', () => {
    expect(resolveConfig({}, { HOME: '/home/me', HARMONIA_DATA_DIR: '~/.harmonia' }).store).toEqual({
      kind: 'sqlite',
      file: '/home/me/.harmonia/harmonia.db',
    });
  });

  it('derives the client URL from a wildcard host as loopback', () => {
    expect(resolveConfig({}, { HARMONIA_HOST: '0.0.0.0', HARMONIA_PORT: '9000' }).url).toBe('http://127.0.0.1:9000');
  });

  it('rejects an unknown key in .env.harmonia with a suggestion', () => {
    expect(configError(() => resolveConfig({}, {}, 'HARMONIA_PROT=1')).message).toBe(
      "unknown setting 'HARMONIA_PROT' in .env.harmonia; did you mean 'HARMONIA_PORT'?",
    );
  });

  it('reads quoted values, export prefixes and comments in .env.harmonia', () => {
    const file = "# settings\nexport HARMONIA_HOST='my host'\nHARMONIA_GIT_BRANCH=\"rel\\\"1\" \nHARMONIA_PACKS_DIR=p # trailing\n";
    const config = resolveConfig({}, {}, file);
    expect([config.host, config.git_branch, config.packs_dir]).toEqual(['my host', 'rel"1', 'p']);
  });

  it('rejects a line of .env.harmonia that is not KEY=VALUE', () => {
    expect(configError(() => resolveConfig({}, {}, 'HARMONIA_PORT 8002')).message).toBe(
      ".env.harmonia:1: expected KEY=VALUE, got 'HARMONIA_PORT 8002'",
    );
  });

  it('ignores unrelated environment variables', () => {
    expect(() => resolveConfig({}, { HARMONIA_INPUT: '{}', PATH: '/bin' })).not.toThrow();
  });
});

describe('maskConfig()', () => {
  it('hides secrets and the database password', () => {
    const config = resolveConfig({}, {
      HARMONIA_API_TOKENS: 'a,b',
      HARMONIA_TOKEN: 't',
      HARMONIA_GIT_TOKEN: 'g',
      HARMONIA_GIT_WEBHOOK_SECRET: 's',
      HARMONIA_DB_URL: 'postgres://user:hunter2@db:5432/h',
    });
    const masked = maskConfig(config);
    expect(masked).toMatchObject({
      api_tokens: ['********', '********'],
      token: '********',
      git_token: '********',
      git_webhook_secret: '********',
      db_url: 'postgres://user:********@db:5432/h',
      store: { kind: 'postgres', url: 'postgres://user:********@db:5432/h' },
    });
    expect(JSON.stringify(masked)).not.toContain('hunter2');
  });

  it('leaves unset secrets as null', () => {
    expect(maskConfig(resolveConfig({}, {})).token).toBeNull();
  });
});

describe('CONFIG_KEYS', () => {
  it('names an environment variable for every setting', () => {
    expect(CONFIG_KEYS.map((k) => k.env)).toContain('HARMONIA_DEFAULT_TIMEOUT');
    expect(CONFIG_KEYS.every((k) => k.env.startsWith('HARMONIA_'))).toBe(true);
  });
});

describe('unknownSettingWarnings()', () => {
  it('warns about a HARMONIA_* variable that is no setting, with the nearest one', async () => {
    const { unknownSettingWarnings } = await import('../../../src/config.js');
    expect(unknownSettingWarnings({ HARMONIA_PROT: '9000', HARMONIA_PORT: '9000', HARMONIA_TEST_DATABASE_URL: 'x', PATH: '/bin' })).toEqual([
      'unknown setting HARMONIA_PROT is ignored; did you mean HARMONIA_PORT?',
    ]);
    expect(unknownSettingWarnings({ HARMONIA_API_TOKENS_FILE: '/run/secrets/t', HARMONIA_TASK_CONTAINMENT: 'auto' })).toEqual([]);
  });
});
