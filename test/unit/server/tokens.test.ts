import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStoredToken, createToken, createTokenFileReader, hashToken, listTokens, readTokenFile, revokeToken } from '../../../src/server/tokens.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-tokens-'));
  file = join(dir, 'tokens.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createToken()', () => {
  it('returns a prefixed token once and stores only its sha256', () => {
    const { token, record } = createToken(file, { scopes: ['read'], label: 'ci' });
    expect(token).toMatch(/^hmn_[A-Za-z0-9_-]{43}$/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(record).toMatchObject({ sha256: hashToken(token), scopes: ['read'], label: 'ci', expires_at: null, revoked_at: null });
  });

  it('writes the file readable by its owner only', () => {
    createToken(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sets an expiry from a lifetime', () => {
    const { record } = createToken(file, { expires_in_seconds: 60, now: new Date('2026-01-01T00:00:00Z') });
    expect(record.expires_at).toBe('2026-01-01T00:01:00.000Z');
  });

  it('refuses an unknown scope', () => {
    expect(() => createToken(file, { scopes: ['root' as 'admin'] })).toThrow("unknown scope 'root'");
  });
});

describe('checkStoredToken()', () => {
  it('tells valid, expired, revoked and unknown tokens apart', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const valid = createToken(file, { now });
    const expired = createToken(file, { expires_in_seconds: 1, now: new Date('2025-01-01T00:00:00Z') });
    const revoked = createToken(file, { now });
    revokeToken(file, revoked.record.id, now);
    const tokens = listTokens(file);
    expect(checkStoredToken(tokens, valid.token, now).kind).toBe('valid');
    expect(checkStoredToken(tokens, expired.token, now).kind).toBe('expired');
    expect(checkStoredToken(tokens, revoked.token, now).kind).toBe('revoked');
    expect(checkStoredToken(tokens, 'hmn_nope', now).kind).toBe('unknown');
  });
});

describe('revokeToken()', () => {
  it('names the known ids when the id is unknown', () => {
    const { record } = createToken(file);
    expect(() => revokeToken(file, 'tok_missing')).toThrow(`known ids: ${record.id}`);
  });
});

describe('readTokenFile()', () => {
  it('treats a missing file as empty and refuses a corrupt one', () => {
    expect(readTokenFile(file)).toEqual({ version: 1, tokens: [] });
    writeFileSync(file, '{"tokens": 3}');
    expect(() => readTokenFile(file)).toThrow('does not have the shape');
  });
});

describe('createTokenFileReader()', () => {
  const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('sees a token created or revoked by the CLI from the next turn of the event loop on', async () => {
    const read = createTokenFileReader(file);
    expect(read()).toEqual([]);
    await nextTurn();
    const { record } = createToken(file, { scopes: ['read'] });
    expect(read()).toEqual([record]); // the first look in this turn
    await nextTurn();
    revokeToken(file, record.id);
    await nextTurn();
    expect(read()[0]?.revoked_at).not.toBeNull();
  });

  it('checks a token against the hashes it read, the same as before', () => {
    const { token, record } = createToken(file, { scopes: ['read'] });
    const read = createTokenFileReader(file);
    expect(checkStoredToken(read(), token, new Date())).toEqual({ kind: 'valid', record });
    expect(checkStoredToken(read(), `${token}x`, new Date())).toEqual({ kind: 'unknown' });
  });
});
