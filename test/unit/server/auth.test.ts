import { describe, expect, it } from 'vitest';
import { assertSafeBind, createAuthenticator, hasScope, isLoopbackHost, isOriginAllowed, parseApiTokens } from '../../../src/server/auth.js';

describe('parseApiTokens()', () => {
  it('reads bare tokens as admin and token:scope+scope entries', () => {
    expect(parseApiTokens(' a , b:read+write,c:read ')).toEqual([
      { token: 'a', scopes: ['admin'] },
      { token: 'b', scopes: ['read', 'write'] },
      { token: 'c', scopes: ['read'] },
    ]);
  });

  it('names an unknown scope', () => {
    expect(() => parseApiTokens('a:read+root')).toThrow("unknown scope 'root'");
  });
});

describe('hasScope()', () => {
  it('lets admin do what write does and write what read does', () => {
    expect(hasScope({ id: 'x', scopes: ['admin'] }, 'read')).toBe(true);
    expect(hasScope({ id: 'x', scopes: ['write'] }, 'read')).toBe(true);
    expect(hasScope({ id: 'x', scopes: ['write'] }, 'admin')).toBe(false);
    expect(hasScope({ id: 'x', scopes: ['read'] }, 'write')).toBe(false);
  });
});

describe('createAuthenticator()', () => {
  it('treats every request as admin when no token is configured', () => {
    const auth = createAuthenticator({ tokens: [] });
    expect(auth.isEnabled()).toBe(false);
    expect(auth.authorize(undefined, 'admin').scopes).toEqual(['admin']);
  });

  it('requires a token once one is configured', () => {
    const auth = createAuthenticator({ tokens: parseApiTokens('t:read') });
    expect(() => auth.authorize(undefined, 'read')).toThrow('missing bearer token');
    expect(() => auth.authorize('t', 'write')).toThrow("this needs 'write'");
    expect(auth.authorize('t', 'read').id).toBe('env:1');
  });
});

describe('isLoopbackHost()', () => {
  it('recognises loopback names and addresses only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});

describe('assertSafeBind()', () => {
  it('refuses a non-loopback address without tokens and allows it with one', () => {
    expect(() => assertSafeBind('0.0.0.0', createAuthenticator({ tokens: [] }))).toThrow("refusing to listen on '0.0.0.0'");
    expect(() => assertSafeBind('0.0.0.0', createAuthenticator({ tokens: parseApiTokens('t') }))).not.toThrow();
    expect(() => assertSafeBind('127.0.0.1', createAuthenticator({ tokens: [] }))).not.toThrow();
  });
});

describe('isOriginAllowed()', () => {
  it('allows no Origin, the same origin and configured origins', () => {
    expect(isOriginAllowed(undefined, 'h:1', [])).toBe(true);
    expect(isOriginAllowed('http://h:1', 'h:1', [])).toBe(true);
    expect(isOriginAllowed('https://ui.example', 'h:1', ['https://ui.example'])).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'h:1', ['https://ui.example'])).toBe(false);
  });
});
