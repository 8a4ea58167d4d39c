import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headerValue, safeEqual, verifyWebhook } from '../../../src/gitops/webhook.js';

const SECRET = 'It is a secret';
const body = Buffer.from('{"ref":"refs/heads/main","after":"abc"}');
const sign = (payload: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;

describe('verifyWebhook()', () => {
  it('accepts a GitHub delivery signed with the secret and returns its delivery id', () => {
    const result = verifyWebhook({
      headers: { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-1' },
      rawBody: body,
      secret: SECRET,
    });
    expect(result).toEqual({ ok: true, provider: 'github', delivery_id: 'd-1' });
  });

  it('matches the example signature GitHub documents', () => {
    // From GitHub's "Validating webhook deliveries" page: secret "It's a Secret to Everybody".
    const result = verifyWebhook({
      headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
      rawBody: 'Hello, World!',
      secret: "It's a Secret to Everybody",
    });
    expect(result.ok).toBe(true);
  });

  it('rejects a GitHub delivery whose body was changed after signing', () => {
    const result = verifyWebhook({
      headers: { 'x-hub-signature-256': sign(body) },
      rawBody: Buffer.from('{"ref":"refs/heads/evil"}'),
      secret: SECRET,
    });
    expect(result).toEqual({ ok: false, reason: 'signature does not match the payload' });
  });

  it('rejects a signature made with another secret', () => {
    const result = verifyWebhook({ headers: { 'x-hub-signature-256': sign(body, 'other') }, rawBody: body, secret: SECRET });
    expect(result.ok).toBe(false);
  });

  it('rejects a malformed signature header', () => {
    const result = verifyWebhook({ headers: { 'x-hub-signature-256': 'sha1=abc' }, rawBody: body, secret: SECRET });
    expect(result).toEqual({ ok: false, reason: "malformed 'x-hub-signature-256' header; expected 'sha256=<64 hex>'" });
  });

  it('accepts a GitLab token equal to the secret with the event uuid as delivery id', () => {
    const result = verifyWebhook({
      headers: { 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': 'uuid-7' },
      rawBody: body,
      secret: SECRET,
    });
    expect(result).toEqual({ ok: true, provider: 'gitlab', delivery_id: 'uuid-7' });
  });

  it('rejects a wrong GitLab token', () => {
    const result = verifyWebhook({ headers: { 'x-gitlab-token': 'guess' }, rawBody: body, secret: SECRET });
    expect(result).toEqual({ ok: false, reason: "'x-gitlab-token' does not match the webhook secret" });
  });

  it('accepts the plain X-Harmonia-Token header', () => {
    const result = verifyWebhook({ headers: { 'x-harmonia-token': SECRET, 'x-harmonia-delivery': 'ci-42' }, rawBody: body, secret: SECRET });
    expect(result).toEqual({ ok: true, provider: 'harmonia', delivery_id: 'ci-42' });
  });

  it('gives no delivery id when none is sent, so the same body posted twice is two deliveries', () => {
    const first = verifyWebhook({ headers: { 'x-harmonia-token': SECRET }, rawBody: body, secret: SECRET });
    expect(first).toEqual({ ok: true, provider: 'harmonia', delivery_id: null });
  });

  it("accepts Gitea's own signature header (bare hex) with its delivery id", () => {
    const hex = sign(body).slice('sha256='.length);
    const result = verifyWebhook({ headers: { 'x-gitea-signature': hex, 'x-gitea-delivery': 'g-1', 'x-gitea-event': 'push' }, rawBody: body, secret: SECRET });
    expect(result).toEqual({ ok: true, provider: 'gitea', delivery_id: 'g-1' });
    const forged = verifyWebhook({ headers: { 'x-gitea-signature': sign(body, 'other').slice(7) }, rawBody: body, secret: SECRET });
    expect(forged).toEqual({ ok: false, reason: 'signature does not match the payload' });
  });

  it("accepts Bitbucket's X-Hub-Signature with its request uuid", () => {
    const result = verifyWebhook({ headers: { 'x-hub-signature': sign(body), 'x-request-uuid': 'b-9', 'x-event-key': 'repo:push' }, rawBody: body, secret: SECRET });
    expect(result).toEqual({ ok: true, provider: 'bitbucket', delivery_id: 'b-9' });
  });

  it('rejects a request without any signature', () => {
    expect(verifyWebhook({ headers: {}, rawBody: body, secret: SECRET })).toEqual({
      ok: false,
      reason: "missing signature; expected 'x-hub-signature-256', 'x-hub-signature', 'x-gitea-signature', 'x-gitlab-token' or 'x-harmonia-token'",
    });
  });

  it('rejects every delivery when no secret is configured', () => {
    const result = verifyWebhook({ headers: { 'x-harmonia-token': '' }, rawBody: body, secret: '' });
    expect(result.ok).toBe(false);
  });
});

describe('headerValue()', () => {
  it('finds a header whatever its case', () => {
    expect(headerValue({ 'X-GitHub-Event': 'push' }, 'x-github-event')).toBe('push');
  });

  it('treats a header sent twice as absent', () => {
    expect(headerValue({ 'x-gitlab-token': ['a', 'b'] }, 'x-gitlab-token')).toBeUndefined();
  });
});

describe('safeEqual()', () => {
  it('is true only for identical strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
