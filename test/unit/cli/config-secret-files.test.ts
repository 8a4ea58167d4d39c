import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { actionOptionsOf, configSecretValues, resolveConfig } from '../../../src/config.js';

const files: Record<string, string> = {
  '/run/secrets/tokens': 'tok-a:read,tok-b\n',
  '/run/secrets/db': 'postgres://app:p%40ss-word@db/app\n',
  '/run/secrets/webhook': 'whsec-123',
  '/run/secrets/git': 'ghp_abc\n',
};
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return text;
};

function configError(fn: () => unknown): HarmoniaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HarmoniaError) return error;
    throw error;
  }
  throw new Error('expected a HarmoniaError');
}

describe('*_FILE settings', () => {
  it('reads every secret setting from the file its _FILE variable names, without the trailing newline', () => {
    const config = resolveConfig(
      {},
      {
        HARMONIA_API_TOKENS_FILE: '/run/secrets/tokens',
        HARMONIA_DB_URL_FILE: '/run/secrets/db',
        HARMONIA_GIT_WEBHOOK_SECRET_FILE: '/run/secrets/webhook',
        HARMONIA_GIT_TOKEN_FILE: '/run/secrets/git',
        HARMONIA_TOKEN_FILE: '/run/secrets/webhook',
      },
      undefined,
      read,
    );
    expect(config.api_tokens).toEqual(['tok-a:read', 'tok-b']);
    expect(config.db_url).toBe('postgres://app:p%40ss-word@db/app');
    expect(config.store).toEqual({ kind: 'postgres', url: 'postgres://app:p%40ss-word@db/app' });
    expect(config.git_webhook_secret).toBe('whsec-123');
    expect(config.git_token).toBe('ghp_abc');
    expect(config.token).toBe('whsec-123');
    expect(config.sources.api_tokens).toBe('file');
  });

  it('accepts a _FILE variable in .env.harmonia', () => {
    const config = resolveConfig({}, {}, 'HARMONIA_GIT_TOKEN_FILE=/run/secrets/git\n', read);
    expect(config.git_token).toBe('ghp_abc');
  });

  it('refuses a setting given both directly and as a file', () => {
    const error = configError(() => resolveConfig({}, { HARMONIA_GIT_TOKEN: 'x', HARMONIA_GIT_TOKEN_FILE: '/run/secrets/git' }, undefined, read));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('both HARMONIA_GIT_TOKEN and HARMONIA_GIT_TOKEN_FILE are set; keep one (HARMONIA_GIT_TOKEN_FILE is recommended)');
  });

  it('names the variable and the path of an unreadable file', () => {
    const error = configError(() => resolveConfig({}, { HARMONIA_DB_URL_FILE: '/nope' }, undefined, read));
    expect(error.message).toBe("HARMONIA_DB_URL_FILE names '/nope', which cannot be read (ENOENT)");
  });

  it('lists the secret values for the masker: tokens, secrets and the database password', () => {
    const config = resolveConfig({}, { HARMONIA_API_TOKENS_FILE: '/run/secrets/tokens', HARMONIA_DB_URL_FILE: '/run/secrets/db' }, undefined, read);
    expect(configSecretValues(config)).toEqual(expect.arrayContaining(['tok-a', 'tok-b', 'p%40ss-word', 'p@ss-word']));
  });
});

describe('task isolation and the address policy', () => {
  it('refuses private addresses by default and allows them when told', () => {
    expect(actionOptionsOf(resolveConfig({}, {}))).toEqual({ http: { allow_private: false } });
    expect(actionOptionsOf(resolveConfig({}, { HARMONIA_HTTP_ALLOW_PRIVATE: 'true' })).http).toEqual({ allow_private: true });
  });

  it('runs tasks as the configured user and group', () => {
    const config = resolveConfig({}, { HARMONIA_TASK_UID: '1000', HARMONIA_TASK_GID: '1001' });
    expect(actionOptionsOf(config).run_as).toEqual({ uid: 1000, gid: 1001 });
  });

  it('refuses a task user without a group', () => {
    expect(configError(() => resolveConfig({}, { HARMONIA_TASK_UID: '1000' })).code).toBe('CONFIG_INVALID');
  });
});
