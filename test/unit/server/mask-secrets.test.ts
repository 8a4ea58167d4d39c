import { describe, expect, it } from 'vitest';
import { createSecretMasker } from '../../../src/core/secret-masker.js';
import { MASK, maskedJson, maskSecrets, maskUrl } from '../../../src/server/mask-secrets.js';

describe('maskSecrets()', () => {
  it('masks values of secret-named keys at any depth, case-insensitively', () => {
    const masked = maskSecrets({ user: 'ada', Password: 'p', nested: [{ API_KEY: 'k', apiKey: 'k2' }], my_token: 't', clientSecret: 's', credentials: { a: 1 } });
    expect(masked).toEqual({ user: 'ada', Password: MASK, nested: [{ API_KEY: MASK, apiKey: MASK }], my_token: MASK, clientSecret: MASK, credentials: MASK });
  });

  it('keeps a value that is only an expression naming where the secret comes from', () => {
    expect(maskSecrets({ token: '${env.DEPLOY_TOKEN}', password: 'x ${env.P}' })).toEqual({ token: '${env.DEPLOY_TOKEN}', password: MASK });
  });

  it('leaves the input untouched', () => {
    const input = { secret: 'x' };
    maskSecrets(input);
    expect(input).toEqual({ secret: 'x' });
  });

  it('keeps null values and non-secret keys as they are', () => {
    expect(maskSecrets({ token: null, count: 3, list: [1, 'a'] })).toEqual({ token: null, count: 3, list: [1, 'a'] });
  });

  it('shows token counts (prompt_tokens, max_tokens) but masks anything else under a *_tokens key', () => {
    expect(maskSecrets({ usage: { prompt_tokens: 12, total_tokens: 20 }, max_tokens: 256, api_tokens: ['a', 'b'], refresh_tokens: 'r' })).toEqual({
      usage: { prompt_tokens: 12, total_tokens: 20 },
      max_tokens: 256,
      api_tokens: MASK,
      refresh_tokens: MASK,
    });
  });

  it('masks the password of a URL held under any key', () => {
    const masked = maskSecrets({ base_url: 'http://bob:hunter2@127.0.0.1:1/x', note: ['see https://a:b@h?token=t&q=1'] });
    expect(JSON.stringify(masked)).not.toContain('hunter2');
    expect(masked).toEqual({ base_url: `http://bob:${MASK}@127.0.0.1:1/x`, note: [`see https://a:${MASK}@h?token=${MASK}&q=1`] });
  });

  it('masks a secret nested deeper than it copies instead of showing it', () => {
    let deep: Record<string, unknown> = { password: 'hunter2' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(JSON.stringify(maskSecrets(deep))).not.toContain('hunter2');
  });

  it('keeps a key named __proto__ as data and masks the secrets under it', () => {
    const masked = maskSecrets(JSON.parse('{"__proto__": {"password": "hunter2", "user": "ada"}}') as unknown);
    expect(JSON.parse(JSON.stringify(masked))).toEqual(JSON.parse(`{"__proto__": {"password": "${MASK}", "user": "ada"}}`));
  });
});

describe('maskedJson()', () => {
  const values: unknown[] = [
    { execution_id: 'e1', status: 'running', input: { n: 1, list: [1, 'a', null] }, output: null, error: null },
    { user: 'ada', Password: 'p', nested: [{ API_KEY: 'k' }], note: 'uses hunter2-s3cr3t here', ok: true },
    { base_url: 'http://bob:pw@127.0.0.1:1/x', token: '${env.T}', deep: { deeper: [{ hunter2_s3cr3t_key: 'hunter2-s3cr3t' }] } },
    JSON.parse('{"__proto__": {"password": "hunter2", "user": "ada"}, "after": 1}') as unknown,
    ['plain', { secret: 'x' }, 'hunter2-s3cr3t'],
    'hunter2-s3cr3t',
    42,
    null,
  ];

  it.each(values.map((value) => [value]))('gives the text maskSecrets would give (%j)', (value) => {
    const masker = createSecretMasker(['hunter2-s3cr3t']);
    expect(maskedJson(value, masker)).toBe(JSON.stringify(maskSecrets(value, masker)));
    expect(maskedJson(value)).toBe(JSON.stringify(maskSecrets(value)));
  });

  it('leaves the input untouched', () => {
    const input = { secret: 'x', list: [{ password: 'p' }], text: 'hunter2-s3cr3t' };
    maskedJson(input, createSecretMasker(['hunter2-s3cr3t']));
    expect(input).toEqual({ secret: 'x', list: [{ password: 'p' }], text: 'hunter2-s3cr3t' });
  });
});

describe('maskUrl()', () => {
  it('masks a token query parameter', () => {
    expect(maskUrl('/ws/events?token=abc&x=1')).toBe(`/ws/events?token=${MASK}&x=1`);
    expect(maskUrl('/events?a=1&token=abc')).toBe(`/events?a=1&token=${MASK}`);
  });

  it('masks other secret query parameters', () => {
    expect(maskUrl('/api/status?api_key=abc&password=p')).toBe(`/api/status?api_key=${MASK}&password=${MASK}`);
  });
});
