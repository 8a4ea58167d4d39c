import { describe, expect, it } from 'vitest';
import { maskConfig, resolveConfig } from '../../../src/config.js';
import { gitSourceSecrets, resolveGitSources } from '../../../src/gitops/git-sources-config.js';

const sourcesOf = (env: Record<string, string>, processEnv: Record<string, string> = {}) => resolveGitSources(resolveConfig({}, env), processEnv);

describe('resolveGitSources()', () => {
  it('reads a YAML list with defaults, durations and secrets named by variable', () => {
    const yaml = [
      'sources:',
      '  - name: platform',
      '    url: https://github.com/acme/platform.git',
      '    poll_interval: 5m',
      '    webhook_secret_env: PLATFORM_SECRET',
      '  - name: data',
      '    url: git@github.com:acme/data.git',
      '    branch: release',
      '    path: /warehouse/',
      '    poll_interval: 0',
      '    token: tok-inline',
      '',
    ].join('\n');
    const specs = sourcesOf({ HARMONIA_GIT_SOURCES: yaml }, { PLATFORM_SECRET: 's3cret-value' });
    expect(specs).toEqual([
      { name: 'platform', url: 'https://github.com/acme/platform.git', branch: 'main', path: 'packs', poll_interval_seconds: 300, webhook_secret: 's3cret-value', token: null, shorthand: false },
      { name: 'data', url: 'git@github.com:acme/data.git', branch: 'release', path: 'warehouse', poll_interval_seconds: 0, webhook_secret: null, token: 'tok-inline', shorthand: false },
    ]);
    expect(gitSourceSecrets(specs)).toEqual(['s3cret-value', 'tok-inline']);
  });

  it('reads a JSON list', () => {
    const specs = sourcesOf({ HARMONIA_GIT_SOURCES: JSON.stringify([{ name: 'one', url: 'file:///tmp/r.git', poll_interval: '30s' }]) });
    expect(specs.map((s) => [s.name, s.poll_interval_seconds])).toEqual([['one', 30]]);
  });

  it("refuses a poll interval past setTimeout's 24.8 days (it would poll every millisecond), naming where", () => {
    const refused = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return (error as Error & { code?: string }).code + ' ' + (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused(() => sourcesOf({ HARMONIA_GIT_SOURCES: JSON.stringify([{ name: 'one', url: 'file:///tmp/r.git', poll_interval: '720h' }]) }))).toMatch(
      /^CONFIG_INVALID HARMONIA_GIT_SOURCES: source 'one'\.poll_interval is "720h"; .*at most 2147483 seconds/,
    );
    expect(refused(() => sourcesOf({ HARMONIA_GIT_SOURCES: JSON.stringify([{ name: 'one', url: 'file:///tmp/r.git', poll_interval: 2_147_484 }]) }))).toMatch(/^CONFIG_INVALID /);
    expect(sourcesOf({ HARMONIA_GIT_SOURCES: JSON.stringify([{ name: 'one', url: 'file:///tmp/r.git', poll_interval: 2_147_483 }]) })[0]?.poll_interval_seconds).toBe(2_147_483);
    expect(refused(() => resolveConfig({}, { HARMONIA_GIT_POLL_INTERVAL: '2147484' }))).toMatch(/^CONFIG_INVALID HARMONIA_GIT_POLL_INTERVAL must be an integer from 0 to 2147483/);
  });

  it('keeps HARMONIA_GIT_URL as the one source named default', () => {
    const specs = sourcesOf({ HARMONIA_GIT_URL: 'https://example.com/r.git', HARMONIA_GIT_WEBHOOK_SECRET: 'whsec-1234' });
    expect(specs).toEqual([
      { name: 'default', url: 'https://example.com/r.git', branch: 'main', path: 'packs', poll_interval_seconds: 60, webhook_secret: 'whsec-1234', token: null, shorthand: true },
    ]);
    expect(sourcesOf({})).toEqual([]);
  });

  it.each([
    [[{ url: 'u' }], "HARMONIA_GIT_SOURCES: sources[0] has no name; give each source a name such as 'platform'"],
    [[{ name: 'Bad Name', url: 'u' }], "HARMONIA_GIT_SOURCES: sources[0].name 'Bad Name' is not a source name; use lower case letters, digits, '-' and '_' (at most 63)"],
    [[{ name: 'a' }], "HARMONIA_GIT_SOURCES: source 'a' has no url"],
    [[{ name: 'a', url: 'u' }, { name: 'a', url: 'v' }], "HARMONIA_GIT_SOURCES: two sources are named 'a'; names must be unique"],
    [[{ name: 'a', url: 'u', brnach: 'x' }], "HARMONIA_GIT_SOURCES: sources[0] has unknown field 'brnach'; expected name, url, branch, path, poll_interval, webhook_secret, webhook_secret_env, token, token_env"],
    [[{ name: 'a', url: 'u', poll_interval: 'soon' }], 'HARMONIA_GIT_SOURCES: source \'a\'.poll_interval is "soon"; expected whole seconds (60) or a duration (\'30s\', \'5m\', \'1h\'), at most 2147483 seconds; 0 means webhooks only'],
    [[{ name: 'a', url: 'u', token_env: 'NOT_SET_ANYWHERE' }], "HARMONIA_GIT_SOURCES: source 'a'.token_env names 'NOT_SET_ANYWHERE', which is not set"],
    [[{ name: 'a', url: 'u', token: 'inline-secret', token_env: 'X' }], "HARMONIA_GIT_SOURCES: source 'a' sets both token and token_env; keep one (token_env keeps the secret out of the list)"],
    [[], 'HARMONIA_GIT_SOURCES: expected a non-empty list of sources (or a mapping with a `sources:` list)'],
  ])('refuses %j with CONFIG_INVALID', (list, message) => {
    expect(() => sourcesOf({ HARMONIA_GIT_SOURCES: JSON.stringify(list) })).toThrow(message);
  });

  it('refuses a list together with HARMONIA_GIT_URL', () => {
    expect(() => sourcesOf({ HARMONIA_GIT_SOURCES: '[{"name":"a","url":"u"}]', HARMONIA_GIT_URL: 'https://example.com/r.git' })).toThrow(
      /is set together with HARMONIA_GIT_URL/,
    );
  });

  it('hides the list in the printed settings', () => {
    const config = resolveConfig({}, { HARMONIA_GIT_SOURCES: '[{"name":"a","url":"u","token":"tok-secret"}]' });
    expect(maskConfig(config).git_sources).toBe('********');
  });
});
