import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets, maskUrl } from '../../../src/server/mask-secrets.js';

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
});

describe('maskUrl()', () => {
  it('masks a token query parameter', () => {
    expect(maskUrl('/ws/events?token=abc&x=1')).toBe(`/ws/events?token=${MASK}&x=1`);
    expect(maskUrl('/events?a=1&token=abc')).toBe(`/events?a=1&token=${MASK}`);
  });
});
