import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;

beforeAll(async () => {
  h = await openServer({ server: { tokens: 'admin-tok' } });
});
afterAll(async () => {
  await h.close();
});

describe('the /git routes without a git source', () => {
  it('answer status and sync with 404 naming HARMONIA_GIT_URL', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/git/status'],
      ['POST', '/api/v1/git/sync'],
    ] as const) {
      const res = await h.call<ErrorResponse>(method, path, { token: 'admin-tok' });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.body.error.message).toContain('no git source configured; set HARMONIA_GIT_URL');
    }
  });

  it('answer a signed webhook with 404 and an unsigned one with 401', async () => {
    const signed = await h.call<ErrorResponse>('POST', '/api/v1/git/webhook', { json: { ref: 'refs/heads/main' }, headers: { 'x-harmonia-token': 'anything' } });
    expect(signed.status).toBe(404);
    expect(signed.body.error.message).toContain('HARMONIA_GIT_URL');
    const unsigned = await h.call<ErrorResponse>('POST', '/api/v1/git/webhook', { json: { ref: 'refs/heads/main' } });
    expect(unsigned.status).toBe(401);
  });

  it('accept a webhook body that is not JSON, since the signature covers raw bytes', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/v1/git/webhook', {
      text: 'payload=%7B%7D',
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
    });
    expect(res.status).toBe(404);
  });
});
